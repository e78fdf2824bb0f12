#!/bin/sh
# Waits for the Connect worker, then POSTs the config examples with the hosts of this compose network.
set -eu
until curl -fs http://connect:8083/connector-plugins >/dev/null; do echo "waiting for connect"; sleep 3; done
for name in coap-source hazelcast-sink-coap mqtt-source hazelcast-sink-mqtt; do
  sed -e 's#coap://localhost:5633#coap://coap-sensors:5633#' \
      -e 's#tcp://localhost:1883#tcp://mosquitto:1883#' \
      -e 's#localhost:5701#hazelcast:5701#' \
      -e 's#"org.apache.kafka.connect.json.JsonConverter"#"io.confluent.connect.avro.AvroConverter"#' \
      -e 's#"value.converter.schemas.enable": "true"#"value.converter.schema.registry.url": "http://schema-registry:8081"#' \
      -e 's#"key.converter.schemas.enable": "true"#"key.converter.schema.registry.url": "http://schema-registry:8081"#' \
      "/config-examples/$name.json" > "/tmp/$name.json"
  curl -fsS -X POST -H 'Content-Type: application/json' --data "@/tmp/$name.json" http://connect:8083/connectors
  echo " <- $name"
done
