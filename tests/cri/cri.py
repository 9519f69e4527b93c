#!/usr/bin/python3
"""cri.py SOCKET METHOD: one CRI v1 call, as the kubelet makes it.

The request is JSON on stdin (protobuf's JSON mapping of METHOD's request
message from api.proto, e.g. {"podSandboxId": "..."}); the response is
printed as JSON on stdout.  A gRPC error is printed on stderr as
"CODE: DETAILS" (the text the kubelet shows in a pod's events) and the
exit status is 1; a bad request or usage is status 2.

api_pb2 is generated from api.proto by protoc (tests/cri_test.sh puts it on
PYTHONPATH): Debian's grpc tools are too old for the v1 API's proto3 maps,
so the service stubs are written here with grpc's generic unary calls.
"""
import json
import sys

import grpc
from google.protobuf import json_format

import api_pb2

TIMEOUT_S = 120  # a pod start under load; never hang for ever


def main(argv):
    if len(argv) != 3:
        print("usage: cri.py SOCKET METHOD <REQUEST.json", file=sys.stderr)
        return 2
    socket, method = argv[1], argv[2]
    service = api_pb2.DESCRIPTOR.services_by_name["RuntimeService"]
    rpc = service.methods_by_name.get(method)
    if rpc is None:
        print(f"cri.py: {method} is not in api.proto's RuntimeService", file=sys.stderr)
        return 2
    request_type = getattr(api_pb2, rpc.input_type.name)
    response_type = getattr(api_pb2, rpc.output_type.name)
    try:
        request = json_format.Parse(sys.stdin.read() or "{}", request_type())
    except json_format.ParseError as e:
        print(f"cri.py: {method} request: {e}", file=sys.stderr)
        return 2
    with grpc.insecure_channel(f"unix://{socket}") as channel:
        call = channel.unary_unary(
            f"/{service.full_name}/{method}",
            request_serializer=request_type.SerializeToString,
            response_deserializer=response_type.FromString,
        )
        try:
            response = call(request, timeout=TIMEOUT_S)
        except grpc.RpcError as e:
            print(f"{e.code().name}: {e.details()}", file=sys.stderr)
            return 1
    print(json.dumps(json_format.MessageToDict(response), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
