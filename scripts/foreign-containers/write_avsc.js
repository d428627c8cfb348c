// Re-writes a batch with avsc (JavaScript), once per codec, with avsc's defaults otherwise.
//
// Run by scripts/make-foreign-containers: node write_avsc.js SCHEMA.avsc SOURCE.avro OUT_PREFIX
// writes OUT_PREFIX-null.avro and OUT_PREFIX-deflate.avro.
'use strict';

const fs = require('fs');
const avro = require('avsc');

const [schemaFile, source, prefix] = process.argv.slice(2);
const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
const records = [];
avro
  .createFileDecoder(source, { readerSchema: type })
  .on('data', (record) => records.push(record))
  .on('end', () => {
    for (const codec of ['null', 'deflate']) {
      const encoder = avro.createFileEncoder(`${prefix}-${codec}.avro`, type, { codec });
      records.forEach((record) => encoder.write(record));
      encoder.end();
    }
    const version = require('avsc/package.json').version;
    console.log(`avsc ${version} (npm)`);
  });
