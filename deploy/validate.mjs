// Validates the Kubernetes manifests offline (no cluster, no network):
//  - every document against the Kubernetes OpenAPI schema of its kind
//    (kubernetes-models: ajv validators compiled from the upstream schemas),
//  - the Deployment against this project's policy (policy.schema.json, ajv),
//  - the references between objects (Service/PDB selectors hit the pod
//    labels, the HPA targets the Deployment, the kustomization lists every file).
// Usage: node validate.mjs DIR          validate DIR (exit 1 on any problem)
//        node validate.mjs DIR --self-test   prove each check rejects a broken copy
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { parse, parseAllDocuments } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const policy = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(path.join(here, "policy.schema.json"), "utf8")));

// { kustomization, files: { name: [documents] } } from a directory.
function load(dir) {
  const kustomization = parse(readFileSync(path.join(dir, "kustomization.yaml"), "utf8"));
  const files = {};
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== "kustomization.yaml")) {
    files[name] = parseAllDocuments(readFileSync(path.join(dir, name), "utf8")).map((d) => {
      if (d.errors.length) throw new Error(`${name}: ${d.errors[0].message}`);
      return d.toJS();
    });
  }
  return { kustomization, files };
}

async function schemaProblems(where, doc) {
  let Model;
  try {
    ({ [doc.kind]: Model } = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`));
  } catch {
    return [`${where}: unknown apiVersion/kind ${doc.apiVersion}/${doc.kind}`];
  }
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    return (e.errors ?? [{ instancePath: "", message: e.message }])
      .map((err) => `${where}: ${err.instancePath || "/"} ${err.message}`);
  }
}

const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function referenceProblems(objects) {
  const problems = [];
  const deployments = objects.filter((o) => o.doc.kind === "Deployment");
  const podLabels = deployments.map((o) => o.doc.spec?.template?.metadata?.labels);
  for (const { where, doc } of objects) {
    if (doc.kind === "Deployment" && !policy(doc)) {
      problems.push(...policy.errors.map((e) => `${where}: policy: ${e.instancePath || "/"} ${e.message}`));
    }
    if (doc.kind === "Deployment" && !matches(doc.spec?.selector?.matchLabels, doc.spec?.template?.metadata?.labels)) {
      problems.push(`${where}: spec.selector does not match the pod template's labels`);
    }
    const selector = doc.kind === "Service" ? doc.spec?.selector
      : doc.kind === "PodDisruptionBudget" ? doc.spec?.selector?.matchLabels : null;
    if (selector !== null && !podLabels.some((labels) => matches(selector, labels))) {
      problems.push(`${where}: selector ${JSON.stringify(selector)} matches no Deployment's pods`);
    }
    if (doc.kind === "HorizontalPodAutoscaler") {
      const ref = doc.spec?.scaleTargetRef ?? {};
      if (!deployments.some((d) => ref.kind === "Deployment" && d.doc.metadata?.name === ref.name)) {
        problems.push(`${where}: scaleTargetRef ${ref.kind}/${ref.name} is not in the manifests`);
      }
    }
  }
  return problems;
}

async function check({ kustomization, files }) {
  const problems = [];
  const listed = kustomization?.resources ?? [];
  for (const name of Object.keys(files)) {
    if (!listed.includes(name)) problems.push(`kustomization.yaml: resources does not list ${name}`);
  }
  for (const name of listed) {
    if (!(name in files)) problems.push(`kustomization.yaml: resource ${name} does not exist`);
  }
  const objects = Object.entries(files).flatMap(([name, docs]) =>
    docs.map((doc, i) => ({ where: `${name}#${i + 1} ${doc?.kind}/${doc?.metadata?.name}`, doc })));
  for (const { where, doc } of objects) problems.push(...await schemaProblems(where, doc));
  return problems.concat(referenceProblems(objects));
}

// Each mutation breaks one rule; the check must report it.
const mutations = {
  "replicas as a string": (m) => { deployment(m).spec.replicas = "three"; },
  "probe without grpc": (m) => { container(m).readinessProbe = { tcpSocket: { port: 50051 } }; },
  "writable root filesystem": (m) => { container(m).securityContext.readOnlyRootFilesystem = false; },
  "no memory limit": (m) => { delete container(m).resources.limits.memory; },
  "runs as root allowed": (m) => { deployment(m).spec.template.spec.securityContext.runAsNonRoot = false; },
  "service selector typo": (m) => { m.files["service-headless.yaml"][0].spec.selector = { app: "nope" }; },
  "deployment selector off": (m) => { deployment(m).spec.selector.matchLabels = { tier: "x" }; },
  "HPA aims elsewhere": (m) => { m.files["hpa.yaml"][0].spec.scaleTargetRef.name = "other"; },
  "unlisted file": (m) => { m.kustomization.resources = m.kustomization.resources.filter((r) => r !== "pdb.yaml"); },
  "unknown kind": (m) => { m.files["pdb.yaml"][0].kind = "PodDisruptionBudgets"; },
};
const deployment = (m) => m.files["deployment.yaml"][0];
const container = (m) => deployment(m).spec.template.spec.containers[0];

const [dir = path.join(here, "k8s"), mode] = process.argv.slice(2);
const manifests = load(dir);
const problems = await check(manifests);
problems.forEach((p) => console.error(`error: ${p}`));
let failed = problems.length > 0;
if (!failed) console.log(`${Object.keys(manifests.files).length} manifests in ${dir}: valid`);
if (mode === "--self-test") {
  for (const [name, mutate] of Object.entries(mutations)) {
    const copy = structuredClone(manifests);
    mutate(copy);
    const found = await check(copy);
    console.log(`self-test ${found.length ? "ok  " : "FAIL"} ${name}: ${found[0] ?? "not detected"}`);
    failed ||= found.length === 0;
  }
}
process.exit(failed ? 1 : 0);
