// Validate Strimzi resources against the Strimzi CRD schemas compiled into the npm
// package @kubernetes-models/strimzi-kafka-operator (one ajv validator per kind).
// Input on stdin: a JSON array of resources. Output: a JSON array of problems,
// each {"index": i, "message": "..."}; exit 0 either way, 2 on bad input.
import { readFileSync } from "node:fs";

const resources = JSON.parse(readFileSync(0, "utf8"));
const problems = [];
for (const [index, resource] of resources.entries()) {
  const [group, version] = String(resource.apiVersion).split("/");
  let model;
  try {
    const module = await import(
      `@kubernetes-models/strimzi-kafka-operator/${group}/${version}/${resource.kind}`
    );
    model = module[resource.kind];
  } catch {
    problems.push({ index, message: `no Strimzi schema for ${resource.apiVersion} ${resource.kind}` });
    continue;
  }
  try {
    new model(resource).validate();
  } catch (error) {
    problems.push({ index, message: String(error.message) });
  }
}
process.stdout.write(JSON.stringify(problems));
