// Validates Kubernetes manifests (JSON files given as arguments) against the
// Kubernetes API's OpenAPI schema with kubernetes-models. Exit 0 when every
// file is valid, 1 with the schema errors otherwise.
import { readFileSync } from "node:fs";
import { Pod } from "kubernetes-models/v1/Pod";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";

const kinds = { Pod, Deployment };
let failed = false;
for (const file of process.argv.slice(2)) {
  const data = JSON.parse(readFileSync(file, "utf8"));
  const Model = kinds[data.kind];
  if (!Model) {
    console.log(`${file}: unexpected kind ${data.kind}`);
    failed = true;
    continue;
  }
  try {
    new Model(data).validate();
    console.log(`${file}: valid ${data.apiVersion} ${data.kind}`);
  } catch (e) {
    console.log(`${file}: invalid: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
