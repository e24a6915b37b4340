"""Validates custom resources (KEDA's ScaledObject here) against their CustomResourceDefinition's schema, strictly:
an object schema that lists properties and does not say it keeps unknown fields rejects any other field, as the
API server's pruning would silently drop it. Usage: validate-crd.py <crd.yaml> <manifest.yaml>...
Prints one line per resource checked; exits 1 on the first file with a violation, 2 when nothing matched."""
import sys

import jsonschema
import yaml


def strict(schema):
    if isinstance(schema, dict):
        if "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            strict(value)
    elif isinstance(schema, list):
        for value in schema:
            strict(value)
    return schema


def main(crd_file, manifests):
    with open(crd_file) as f:
        crd = yaml.safe_load(f)
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    schemas = {f"{group}/{v['name']}": strict(v["schema"]["openAPIV3Schema"]) for v in crd["spec"]["versions"]}
    checked = 0
    for manifest in manifests:
        with open(manifest) as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") != kind:
                    continue
                schema = schemas.get(doc.get("apiVersion"))
                if schema is None:
                    print(f"{manifest}: {kind} {doc.get('apiVersion')} is not served by this CRD", file=sys.stderr)
                    return 1
                errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
                for error in errors:
                    print(f"{manifest}: {kind}/{doc['metadata']['name']} at {'.'.join(map(str, error.path)) or '(root)'}: {error.message}", file=sys.stderr)
                if errors:
                    return 1
                print(f"{manifest}: {kind}/{doc['metadata']['name']} valid")
                checked += 1
    if checked == 0:
        print(f"no {kind} found", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
