#!/usr/bin/python3
"""A camera in Python: sends one photo to facestream as a Frame and prints the MatchResult it gets back.

Needs only Debian's python3-avro and python3-confluent-kafka (no schema registry, no facestream code):
records are Avro single-object encoded, exactly as README "Wire format" says: the two bytes C3 01,
the 8-byte CRC-64-AVRO fingerprint of the writer schema's parsing canonical form (little-endian),
then the Avro binary body. The schemas are the .avsc files the build writes (schemas jar, avro/).

    /usr/bin/python3 camera.py --bootstrap 127.0.0.1:9092 photo.jpg
    /usr/bin/python3 camera.py --bootstrap broker:9093 -X security.protocol=SASL_SSL \
        -X sasl.mechanism=PLAIN -X sasl.username=KEY -X sasl.password=SECRET photo.jpg

Prints one JSON object: {"frame_id", "faces": [{"name", "person_id", "similarity", "best_similarity", "box"}],
"threshold", "error"}; exits 0 when the answer came, 2 when none came within --timeout seconds.
"""
import argparse
import datetime
import io
import json
import os
import sys
import time
import uuid

import avro.io
import avro.schema
from confluent_kafka import Consumer, Producer, TopicPartition

FRAMES_TOPIC = "facestream.frames"
RESULTS_TOPIC = "facestream.matches"
MARKER = b"\xc3\x01"
DEFAULT_SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "target", "classes", "avro")

# CRC-64-AVRO (Rabin), as the Avro specification defines the schema fingerprint.
_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def canonical_form(schema, namespace=None, seen=None):
    """The specification's Parsing Canonical Form of a schema given as parsed JSON.

    Written out here because python3-avro 1.11's own canonical_form keeps a primitive with attributes as
    {"type":"long"} (a timestamp-millis, a Java string hint) where the specification and Java say "long",
    which gives a different fingerprint than the one the services expect.
    """
    seen = set() if seen is None else seen
    if isinstance(schema, list):
        return "[" + ",".join(canonical_form(s, namespace, seen) for s in schema) + "]"
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return json.dumps(schema)
        return json.dumps(schema if "." in schema or not namespace else namespace + "." + schema)
    kind = schema["type"]
    if kind in ("record", "error", "enum", "fixed"):
        name = schema["name"]
        space = schema.get("namespace", namespace)
        full = name if "." in name or not space else space + "." + name
        if full in seen:
            return json.dumps(full)
        seen.add(full)
        inner = full.rsplit(".", 1)[0] if "." in full else None
        parts = ['"name":' + json.dumps(full), '"type":' + json.dumps("record" if kind == "error" else kind)]
        if kind in ("record", "error"):
            parts.append('"fields":[' + ",".join(
                '{"name":' + json.dumps(f["name"]) + ',"type":' + canonical_form(f["type"], inner, seen) + "}"
                for f in schema["fields"]) + "]")
        elif kind == "enum":
            parts.append('"symbols":' + json.dumps(schema["symbols"], separators=(",", ":")))
        else:
            parts.append('"size":' + str(int(schema["size"])))
        return "{" + ",".join(parts) + "}"
    if kind == "array":
        return '{"type":"array","items":' + canonical_form(schema["items"], namespace, seen) + "}"
    if kind == "map":
        return '{"type":"map","values":' + canonical_form(schema["values"], namespace, seen) + "}"
    # A primitive with attributes (logical type, hints) or a reference to a named type.
    return canonical_form(kind, namespace, seen)


def fingerprint(schema_json):
    fp = _EMPTY
    for byte in canonical_form(schema_json).encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp.to_bytes(8, "little")


class SingleObject:
    """Encodes and decodes one record type in Avro's single-object encoding."""

    def __init__(self, schema_json):
        self.schema = avro.schema.parse(json.dumps(schema_json))
        self.header = MARKER + fingerprint(schema_json)

    def encode(self, datum):
        body = io.BytesIO()
        avro.io.DatumWriter(self.schema).write(datum, avro.io.BinaryEncoder(body))
        return self.header + body.getvalue()

    def decode(self, data):
        if data is None or data[:10] != self.header:
            # Another record type, or another version of this one: skip it loudly, never decode garbage.
            raise ValueError("not a %s record (header %s)" % (self.schema.name, (data or b"")[:10].hex()))
        return avro.io.DatumReader(self.schema).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))


def load(schemas, name):
    with open(os.path.join(schemas, name + ".avsc"), encoding="utf-8") as f:
        return SingleObject(json.load(f))


def client_settings(pairs):
    settings = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        settings[key.strip()] = value.strip()
    return settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", help="a JPEG or PNG file")
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"))
    parser.add_argument("--camera-id", default="python-camera-1", help="the Kafka key: frames of one camera keep their order")
    parser.add_argument("--schemas", default=DEFAULT_SCHEMAS, help="directory holding Frame.avsc and MatchResult.avsc")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the answer")
    parser.add_argument("-X", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                        help="a librdkafka client setting, e.g. security.protocol=SASL_SSL (repeatable)")
    args = parser.parse_args()

    frames = load(args.schemas, "Frame")
    results = load(args.schemas, "MatchResult")
    settings = dict(client_settings(args.settings), **{"bootstrap.servers": args.bootstrap})

    # Pin the end of every results partition before sending, so the answer cannot slip past the reader.
    consumer = Consumer(dict(settings, **{"group.id": "facestream-" + args.camera_id, "enable.auto.commit": False}))
    partitions = consumer.list_topics(RESULTS_TOPIC, timeout=30).topics[RESULTS_TOPIC].partitions
    positions = []
    for p in partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(RESULTS_TOPIC, p), timeout=30)
        positions.append(TopicPartition(RESULTS_TOPIC, p, high))
    consumer.assign(positions)

    with open(args.photo, "rb") as f:
        image = f.read()
    frame_id = str(uuid.uuid4())
    frame = {
        "header": {
            "id": frame_id,
            "sourceKind": "CAMERA",
            "sourceId": args.camera_id,
            "sequence": 0,
            "captureTime": datetime.datetime.now(datetime.timezone.utc),
            "operation": "RECOGNIZE",
            "registrationName": None,
            "faceId": None,
            "personId": None,
            "storedFaceId": None,
            "samePerson": False,
        },
        "image": image,
    }
    producer = Producer(settings)
    producer.produce(FRAMES_TOPIC, key=args.camera_id.encode("utf-8"), value=frames.encode(frame))
    if producer.flush(30) != 0:
        print("frame not delivered to %s" % FRAMES_TOPIC, file=sys.stderr)
        return 1

    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                print("consumer: %s" % message.error(), file=sys.stderr)
                continue
            try:
                result = results.decode(message.value())
            except ValueError as e:
                print(e, file=sys.stderr)
                continue
            if result["header"]["id"] == frame_id:
                print(json.dumps(answer(frame_id, result)))
                return 0
    finally:
        consumer.close()
    print("no answer for frame %s within %.0f s" % (frame_id, args.timeout), file=sys.stderr)
    return 2


def answer(frame_id, result):
    faces = []
    for match in result["faces"]:
        person = match["person"]
        faces.append({
            "name": person["name"] if person else None,
            "person_id": person["personId"] if person else None,
            "similarity": round(person["similarity"], 4) if person else None,
            "best_similarity": round(match["bestSimilarity"], 4),
            "box": match["face"]["box"],
        })
    return {"frame_id": frame_id, "faces": faces, "threshold": round(result["threshold"], 4), "error": result["error"]}


if __name__ == "__main__":
    sys.exit(main())
