import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { envSchema } from '../packages/receiver/src/config/config-schema.js';
import { parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { parseGatewayConfig } from '../packages/gateway/src/config/gateway-config.js';

// Nothing here runs Docker, Kubernetes or a Collector: these tests hold the deploy files to each other
// and to the code (names, ports, paths, env), which is where such files silently rot.

const root = fileURLToPath(new URL('..', import.meta.url));
const deployDir = join(root, 'deploy');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
// Compose files use YAML merge keys (`<<: *anchor`), which YAML 1.2 parsers resolve only when asked.
const readYaml = <T>(path: string) => parse(read(path), { merge: true }) as T;
const readDocs = <T>(path: string) => parseAllDocuments(read(path)).map((doc) => doc.toJS() as T);
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
/** What Compose substitutes for `${VAR:-default}` when VAR is unset. */
const composeDefaults = (value: string) => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface Compose { services: Record<string, ComposeService>; volumes: Record<string, unknown> }
interface Pipeline { receivers: string[]; processors?: string[]; exporters: string[] }
interface Collector {
  extensions: Record<string, unknown>;
  receivers: Record<string, { protocols: Record<string, { endpoint: string }> }>;
  processors: Record<string, { traces?: { span?: string[] } }>;
  exporters: Record<string, { endpoint?: string; headers?: Record<string, string>; sending_queue?: { storage?: string } }>;
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
}
interface K8sObject { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown }

const compose = readYaml<Compose>('deploy/docker-compose.yml');
const collector = readYaml<Collector>('deploy/otel-collector/collector.yaml');
const mounts = (service: string): { source: string; target: string }[] =>
  (compose.services[service]?.volumes ?? []).map((v) => {
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });

describe('deploy/ YAML', () => {
  it('parses every YAML file without errors', () => {
    const files = filesUnder(deployDir).filter((f) => /\.ya?ml$/.test(f));
    for (const known of ['docker-compose.yml', 'otel-collector/collector.yaml', 'kubernetes/deployment.yaml']) {
      expect(files).toContain(join(deployDir, known));
    }
    for (const file of files) {
      const errors = parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => doc.errors);
      expect(errors, file).toEqual([]);
    }
  });

  it('ships an example tokenledger.yaml the receiver accepts', () => {
    const config = parseFileConfig(read('deploy/tokenledger.yaml'), 'deploy/tokenledger.yaml');
    expect(config.clients.map((c) => [c.id, c.markup_pct, c.monthly_budget_usd])).toEqual([
      ['acme', 25, 500],
      ['globex', 0, 2000],
    ]);
  });
});

describe('docker-compose.yml', () => {
  it('builds the receiver and the demo from the root Dockerfile as one image', () => {
    for (const name of ['receiver', 'demo']) {
      const { build, image } = compose.services[name] ?? {};
      expect(build && existsSync(resolve(deployDir, build.context, build.dockerfile)), name).toBe(true);
      expect(resolve(deployDir, build?.context ?? '')).toBe(resolve(root));
      expect(image).toBe('tokenledger:local');
    }
    expect(compose.services.receiver?.command).toEqual(['serve']);
    expect(compose.services.demo?.command?.slice(0, 1)).toEqual(['demo']);
  });

  it('mounts host paths that exist, Grafana provisioning and dashboards where the provider expects them', () => {
    for (const name of Object.keys(compose.services)) {
      for (const { source } of mounts(name).filter((m) => /^[./]/.test(m.source))) {
        expect(existsSync(resolve(deployDir, source)), `${name}: ${source}`).toBe(true);
      }
    }
    expect(mounts('grafana')).toContainEqual({ source: '../grafana/provisioning', target: '/etc/grafana/provisioning' });
    expect(mounts('grafana')).toContainEqual({ source: '../grafana/dashboards', target: '/var/lib/grafana/dashboards' });
    expect(compose.services.grafana?.environment?.GF_INSTALL_PLUGINS).toBe('grafana-clickhouse-datasource');
    expect(mounts('otel-collector')).toContainEqual({ source: './otel-collector/collector.yaml', target: '/etc/otelcol-contrib/config.yaml' });
  });

  it('declares every named volume and waits for health only on services that report it', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const { source } of mounts(name).filter((m) => !/^[./]/.test(m.source))) {
        expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
      }
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dep], `${name} -> ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(compose.services[dep]?.healthcheck, `${dep} healthcheck`).toBeDefined();
      }
    }
  });

  it('gives the receiver a valid environment with tokens, so it listens beyond loopback', () => {
    const raw = compose.services.receiver?.environment ?? {};
    const env = envSchema.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, composeDefaults(String(v))])));
    expect(env.TOKENLEDGER_INGEST_TOKENS.length).toBeGreaterThan(0);
    expect(env.TOKENLEDGER_LISTEN_HOST).toBe('0.0.0.0');
    expect(new URL(env.CLICKHOUSE_URL).hostname).toBe('clickhouse');
    expect(env.TOKENLEDGER_CONFIG).toBe(mounts('receiver').find((m) => m.source === './tokenledger.yaml')?.target);
    expect(raw.CLICKHOUSE_PASSWORD).toBe(compose.services.clickhouse?.environment?.CLICKHOUSE_PASSWORD);
  });

  it('sends the Collector and the demo to the receiver with one of its ingest tokens', () => {
    const ingest = compose.services.receiver?.environment?.TOKENLEDGER_INGEST_TOKENS;
    const col = compose.services['otel-collector']?.environment ?? {};
    expect(col.TOKENLEDGER_INGEST_TOKEN).toBe(ingest);
    expect(compose.services.demo?.environment?.TOKENLEDGER_INGEST_TOKENS).toBe(ingest);
    expect(col.TOKENLEDGER_ENDPOINT).toBe('http://receiver:4318');
    // The persistent queue must sit on the volume, or a container restart loses unsent spans.
    expect(mounts('otel-collector')).toContainEqual({ source: 'otelcol-queue', target: col.TOKENLEDGER_QUEUE_DIR });
    expect(compose.services.demo?.command).toContain('http://receiver:4318');
  });
});

describe('otel-collector/collector.yaml', () => {
  const kinds = ['receivers', 'processors', 'exporters'] as const;
  const pipelines = collector.service.pipelines;

  it('defines every component a pipeline names', () => {
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const kind of kinds) {
        for (const id of pipeline[kind] ?? []) expect(Object.keys(collector[kind]), `${name}.${kind}: ${id}`).toContain(id);
      }
    }
    expect(Object.keys(pipelines).sort()).toEqual(['traces/backend', 'traces/tokenledger']);
  });

  it('enables exactly the defined extensions, including the storage behind the sending queue', () => {
    expect([...collector.service.extensions].sort()).toEqual(Object.keys(collector.extensions).sort());
    const storage = collector.exporters['otlp_http/tokenledger']?.sending_queue?.storage;
    expect(storage).toMatch(/^file_storage\b/);
    expect(collector.service.extensions).toContain(storage);
  });

  it('filters GenAI spans in the TokenLedger pipeline only, and all spans reach the backend pipeline', () => {
    const filters = (p: Pipeline) => (p.processors ?? []).filter((id) => id.startsWith('filter'));
    expect(filters(pipelines['traces/tokenledger']!)).toEqual(['filter/genai-only']);
    expect(filters(pipelines['traces/backend']!)).toEqual([]);
    expect(pipelines['traces/tokenledger']?.exporters).toEqual(['otlp_http/tokenledger']);
    expect(pipelines['traces/backend']?.receivers).toEqual(pipelines['traces/tokenledger']?.receivers);
  });

  it('drops a span only when it carries none of the GenAI keys nor the client id', () => {
    const conditions = collector.processors['filter/genai-only']?.traces?.span ?? [];
    expect(conditions).toHaveLength(1);
    const keys = conditions[0]!.trim().split(/\s+and\s+/).map((clause) => /^attributes\["([^"]+)"\] == nil$/.exec(clause)?.[1]);
    expect(keys.sort()).toEqual(
      ['ai.operationId', 'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system', 'llm.request.type',
        'openinference.span.kind', 'tokenledger.client.id'].sort(),
    );
  });

  it('exports to an env-set endpoint with the ingest token, and listens on the OTLP ports', () => {
    const exporter = collector.exporters['otlp_http/tokenledger'];
    expect(exporter?.endpoint).toBe('${env:TOKENLEDGER_ENDPOINT}');
    expect(exporter?.headers?.Authorization).toBe('Bearer ${env:TOKENLEDGER_INGEST_TOKEN}');
    const endpoints = Object.values(collector.receivers.otlp?.protocols ?? {}).map((p) => p.endpoint);
    expect(endpoints.sort()).toEqual(['0.0.0.0:4317', '0.0.0.0:4318']);
  });
});

describe('kubernetes/', () => {
  const dir = 'deploy/kubernetes';
  const kustomization = readYaml<{ resources: string[] }>(`${dir}/kustomization.yaml`);
  const objects = kustomization.resources.flatMap((file) => readDocs<K8sObject>(`${dir}/${file}`));
  const find = <T>(kind: string, name?: string) => objects.find((o) => o.kind === kind && (!name || o.metadata.name === name)) as T & K8sObject;

  type Port = { name: string; containerPort: number };
  type Probe = { httpGet: { path: string; port: string | number } };
  type Container = {
    ports: Port[]; livenessProbe: Probe; readinessProbe: Probe; envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    volumeMounts: { name: string; mountPath: string }[]; securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean };
  };
  type PodSpec = { securityContext: { runAsNonRoot: boolean }; containers: Container[]; volumes: { name: string; configMap?: { name: string } }[] };
  const deployment = find<{ spec: { replicas: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } }>('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;
  const portNumber = (port: string | number) => (typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort);
  const configMap = (name: string) => find<{ data: Record<string, string> }>('ConfigMap', name);

  it('lists only files that exist', () => {
    for (const file of kustomization.resources) expect(existsSync(join(root, dir, file)), file).toBe(true);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['ConfigMap', 'ConfigMap', 'Deployment', 'Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'PodDisruptionBudget', 'Secret', 'Secret', 'Service', 'Service'],
    );
  });

  it('probes /healthz for liveness and /readyz for readiness on the container port', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(portNumber(container.livenessProbe.httpGet.port)).toBe(4318);
    expect(portNumber(container.readinessProbe.httpGet.port)).toBe(4318);
  });

  it('routes the Service to the pods and that port, and scales the Deployment by name', () => {
    const service = find<{ spec: { selector: Record<string, string>; ports: { targetPort: string | number }[] } }>('Service');
    expect(portNumber(service.spec.ports[0]!.targetPort)).toBe(4318);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const hpa = find<{ spec: { scaleTargetRef: { kind: string; name: string } } }>('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
  });

  it('takes env from the ConfigMap and Secret, and mounts a tokenledger.yaml the receiver accepts', () => {
    const refs = container.envFrom.map((e) => e.configMapRef?.name ?? e.secretRef?.name);
    const env = { ...configMap(refs[0]!).data, ...find<{ stringData: Record<string, string> }>('Secret', refs[1]).stringData };
    const parsed = envSchema.parse(env);
    expect(parsed.TOKENLEDGER_INGEST_TOKENS.length).toBeGreaterThan(0);
    expect(parsed.TOKENLEDGER_LISTEN_HOST).toBe('0.0.0.0');
    const volume = pod.volumes.find((v) => v.configMap)!;
    const mount = container.volumeMounts.find((m) => m.name === volume.name)!;
    expect(parsed.TOKENLEDGER_CONFIG).toBe(posix.join(mount.mountPath, 'tokenledger.yaml'));
    const file = configMap(volume.configMap!.name).data['tokenledger.yaml']!;
    expect(parseFileConfig(file, 'configmap').clients.map((c) => c.id)).toEqual(['acme']);
  });

  it('runs as a non-root user without privilege escalation', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const runtime = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));

  it('builds in one stage and runs from another as a non-root user', () => {
    expect(lines.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const user = runtime.find((l) => l.startsWith('USER '))?.split(/\s+/)[1];
    expect(user).toBe('node');
    expect(runtime).toContain('EXPOSE 4318');
    expect(runtime.join('\n')).toMatch(/HEALTHCHECK[^]*\/healthz/);
  });

  it('pins the workspace pnpm, deploys the receiver package, and starts its CLI', () => {
    const text = lines.join('\n');
    const pkg = JSON.parse(read('package.json')) as { packageManager: string };
    expect(`pnpm@${/ARG PNPM_VERSION=(\S+)/.exec(text)?.[1]}`).toBe(pkg.packageManager);
    const receiver = JSON.parse(read('packages/receiver/package.json')) as { name: string; bin: Record<string, string> };
    expect(text).toContain(`--filter ${receiver.name} --prod deploy`);
    expect(text).toContain('--frozen-lockfile');
    expect(text).toContain(`ENTRYPOINT ["node", "${posix.join('/app', receiver.bin.tokenledger!)}"]`);
  });

  it('deploys the migrations the server applies at start, not only dist and bin', () => {
    // `pnpm deploy` copies only the package's "files"; without migrations `serve` fails in the image.
    const receiver = JSON.parse(read('packages/receiver/package.json')) as { files: string[] };
    expect(existsSync(join(root, 'packages/receiver/migrations'))).toBe(true);
    expect(receiver.files).toEqual(expect.arrayContaining(['dist', 'bin', 'migrations']));
  });

  it('keeps node_modules, build output and git out of the build context, and the lockfile in', () => {
    const ignore = read('.dockerignore').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
    for (const needed of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', 'packages', 'tsconfig.base.json']) {
      expect(ignore.filter((l) => l === needed || l === `${needed}/`), needed).toEqual([]);
    }
    expect(ignore).toContain('!test/package.json');
  });
});

describe('the Dockerfile copies only files the repository has', () => {
  it('every path named in a COPY from the build context exists', () => {
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    const sources = dockerfile
      .split('\n')
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(new URL(`../${source}`, import.meta.url)), source).toBe(true);
  });
});

describe('the gateway in deploy/', () => {
  /** `--port N` of a `tokenledger gateway` command line. */
  const portOf = (args: string[]) => {
    expect(args.slice(0, 1)).toEqual(['gateway']);
    return Number(args[args.indexOf('--port') + 1]);
  };

  it('compose: one image, the receiver as its receiver with the receiver tokens, and the port it listens on published', () => {
    const gateway = compose.services.gateway!;
    expect(gateway.build).toEqual(compose.services.receiver?.build);
    const port = portOf(gateway.command!);
    const raw = gateway.environment ?? {};
    const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, composeDefaults(String(v))]));
    const file = parseFileConfig(read('deploy/tokenledger.yaml'), 'deploy/tokenledger.yaml');
    const config = parseGatewayConfig(file.gateway, env, port);
    expect(config).toMatchObject({ receiverUrl: 'http://receiver:4318', host: '0.0.0.0', port: 4000 });
    expect(env.TOKENLEDGER_CONFIG).toBe(mounts('gateway').find((m) => m.source === './tokenledger.yaml')?.target);
    const receiverEnv = compose.services.receiver?.environment ?? {};
    expect(raw.TOKENLEDGER_RECEIVER_INGEST_TOKEN).toBe(receiverEnv.TOKENLEDGER_INGEST_TOKENS);
    expect(raw.TOKENLEDGER_RECEIVER_API_TOKEN).toBe(receiverEnv.TOKENLEDGER_API_TOKENS);
    expect((compose.services.gateway as { ports: string[] }).ports).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(gateway.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
  });

  it('kubernetes: its own Deployment and Service on the port it listens on, apart from the receiver pods', () => {
    const objects = readDocs<K8sObject & { spec: Record<string, unknown> }>('deploy/kubernetes/gateway.yaml');
    const kinds = (kind: string) => objects.filter((o) => o.kind === kind);
    type Container = { args: string[]; ports: { name: string; containerPort: number }[]; env: { name: string; value: string }[]; livenessProbe: { httpGet: { path: string; port: string } }; readinessProbe: { httpGet: { path: string; port: string } }; envFrom: { secretRef: { name: string } }[] };
    const deployment = kinds('Deployment')[0] as unknown as { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; volumes: { configMap: { name: string } }[] } } } };
    const container = deployment.spec.template.spec.containers[0]!;
    const port = portOf(container.args);
    const named = (name: string) => container.ports.find((p) => p.name === name)?.containerPort;
    expect(named(container.livenessProbe.httpGet.port)).toBe(port);
    expect(named(container.readinessProbe.httpGet.port)).toBe(port);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const service = kinds('Service')[0] as unknown as { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } };
    expect(named(service.spec.ports[0]!.targetPort)).toBe(port);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const receiverService = readDocs<{ spec: { selector: Record<string, string> } }>('deploy/kubernetes/service.yaml')[0]!;
    expect(deployment.spec.template.metadata.labels).not.toMatchObject(receiverService.spec.selector);
    // Its env, its Secret and the shared tokenledger.yaml make a config the gateway accepts.
    const secret = kinds('Secret')[0] as unknown as { metadata: { name: string }; stringData: Record<string, string> };
    expect(container.envFrom[0]!.secretRef.name).toBe(secret.metadata.name);
    const env = { ...Object.fromEntries(container.env.map((e) => [e.name, e.value])), ...secret.stringData };
    const configMaps = readDocs<{ metadata: { name: string }; data: Record<string, string> }>('deploy/kubernetes/configmap.yaml');
    const yaml = configMaps.find((c) => c.metadata.name === deployment.spec.template.spec.volumes[0]!.configMap.name)!.data['tokenledger.yaml']!;
    const config = parseGatewayConfig(parseFileConfig(yaml, 'configmap').gateway, env, port);
    expect(new URL(config.receiverUrl).hostname).toBe('tokenledger.tokenledger.svc.cluster.local');
    expect(config.host).toBe('0.0.0.0');
    // The replicas share each key's rpm: the count they divide by is the Deployment's.
    expect(config.replicas).toBe((deployment.spec as unknown as { replicas: number }).replicas);
  });
});

