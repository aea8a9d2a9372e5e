/**
 * Configuration files of the reference application, rendered from typed parameters so that ports
 * and names stay in step with the Services and NetworkPolicies that use them.
 */

/** nginx: static files, /healthz for probes, and /api/ proxied to the API Service. */
export function nginxConfig(p: { port: number; apiService: string; apiPort: number }): string {
  return [
    'server {',
    `    listen ${p.port};`,
    '    server_name _;',
    '    location = /healthz {',
    '        access_log off;',
    '        default_type text/plain;',
    "        return 200 'ok';",
    '    }',
    '    location /api/ {',
    `        proxy_pass http://${p.apiService}:${p.apiPort}/;`,
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    '    }',
    '    location / {',
    '        root /usr/share/nginx/html;',
    '        index index.html;',
    '    }',
    '}',
    '',
  ].join('\n');
}

/**
 * fluent-bit: tails container logs on the node (but those of its own namespace), enriches them with pod metadata from the API, and
 * writes them to stdout, where the platform's own collector (Cloud Logging on GKE) or a `[OUTPUT]`
 * added here picks them up.
 */
export function fluentBitConfig(p: { cluster: string; ownNamespace: string }): string {
  return [
    '[SERVICE]',
    '    Flush         5',
    '    Log_Level     info',
    '    HTTP_Server   On',
    '    HTTP_Listen   0.0.0.0',
    '    HTTP_Port     2020',
    '    Health_Check  On',
    '',
    '[INPUT]',
    '    Name              tail',
    '    Path              /var/log/containers/*.log',
    // Its own output is in these files too: tailing it would feed every line back in, in a loop
    // (and on GKE bill each line twice). Container log files are <pod>_<namespace>_<container>-<id>.log.
    `    Exclude_Path      /var/log/containers/*_${p.ownNamespace}_*.log`,
    '    multiline.parser  cri',
    '    Tag               kube.*',
    '    Mem_Buf_Limit     16MB',
    '    Skip_Long_Lines   On',
    '',
    '[FILTER]',
    '    Name       kubernetes',
    '    Match      kube.*',
    '    Merge_Log  On',
    '    Labels     On',
    '    Annotations Off',
    '',
    '[FILTER]',
    '    Name    record_modifier',
    '    Match   *',
    `    Record  cluster ${p.cluster}`,
    '',
    '[OUTPUT]',
    '    Name   stdout',
    '    Match  kube.*',
    '    Format json_lines',
    '',
  ].join('\n');
}
