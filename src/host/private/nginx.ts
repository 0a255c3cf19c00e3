/*
 * The nginx site of a web host: TLS on 443 (self-signed, the load balancer does not validate it),
 * streaming to 127.0.0.1:4000, everything else to Puma on 127.0.0.1:3000. The file is an
 * http-context snippet for /etc/nginx/conf.d/ (included by the distribution's nginx.conf).
 */
import { HOST_PATHS } from './deployment-config';

/** What the nginx renderer needs; plain strings only. */
export interface NginxOptions {
  /** `containers`: proxy everything to Puma. `from-source`: serve `public/` directly. */
  readonly kind: 'containers' | 'from-source';
  /** The from-source checkout (its `public/` is served); required for `from-source`. */
  readonly liveDirectory?: string;
  /**
   * The web domain. `/robots.txt` is proxied to Puma with it as Host: the load balancer's probe
   * carries the target's IP, which Rails' host authorization refuses on every path but `/health`.
   *
   * @default - the request's Host
   */
  readonly webDomain?: string;
  /** @default the self-signed certificate made at boot */
  readonly certificatePath?: string;
  /** @default the self-signed key made at boot */
  readonly keyPath?: string;
}

/** Mastodon accepts video uploads of up to about 100 MB; leave room for the multipart envelope. */
export const CLIENT_MAX_BODY_SIZE = '110m';

const PROXY_HEADERS = `    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    # Keep the scheme the load balancer saw; never $scheme of this hop.
    proxy_set_header X-Forwarded-Proto $mastodon_forwarded_proto;
    proxy_set_header Proxy "";
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $mastodon_connection_upgrade;
    proxy_redirect off;`;

function staticLocations(liveDirectory: string): string {
  return `
  # Installed from source: nginx serves public/ and falls back to Puma.
  root ${liveDirectory}/public;

  location = /sw.js {
    add_header Cache-Control "public, max-age=604800, must-revalidate";
    try_files $uri @puma;
  }

  location ~ ^/(assets|avatars|emoji|headers|packs|shortcuts|sounds|system)/ {
    add_header Cache-Control "public, max-age=2419200, must-revalidate";
    try_files $uri @puma;
  }

  location / {
    try_files $uri @puma;
  }

  location @puma {
${PROXY_HEADERS}
    proxy_pass http://mastodon_puma;
  }
`;
}

const PROXY_EVERYTHING = `
  # Containers: nginx cannot see the image's public/, Puma serves it (RAILS_SERVE_STATIC_FILES=true).
  location / {
${PROXY_HEADERS}
    proxy_pass http://mastodon_puma;
  }
`;

/** Renders `/etc/nginx/conf.d/mastodon.conf`. */
export function renderNginxConfig(options: NginxOptions): string {
  const certificate = options.certificatePath ?? HOST_PATHS.tlsCertificate;
  const key = options.keyPath ?? HOST_PATHS.tlsKey;
  if (options.kind === 'from-source' && !options.liveDirectory) {
    throw new Error('renderNginxConfig: liveDirectory is required when Mastodon is installed from source');
  }
  const body = options.kind === 'containers' ? PROXY_EVERYTHING : staticLocations(options.liveDirectory!);
  return `# Mastodon behind an AWS Application Load Balancer.
# Managed by cdk-mastodon (written by cfn-init); local edits are lost when the host is replaced.

map $http_upgrade $mastodon_connection_upgrade {
  default upgrade;
  ''      close;
}

# The load balancer ends TLS and sends X-Forwarded-Proto; keep it. This server only listens on
# TLS, so a request without the header (a local check) did arrive over https.
map $http_x_forwarded_proto $mastodon_forwarded_proto {
  default $http_x_forwarded_proto;
  ''      https;
}

upstream mastodon_puma {
  server 127.0.0.1:3000 fail_timeout=0;
}

upstream mastodon_streaming {
  server 127.0.0.1:4000 fail_timeout=0;
}

server {
  listen 443 ssl http2 default_server;
  listen [::]:443 ssl http2 default_server;
  server_name _;

  ssl_certificate     ${certificate};
  ssl_certificate_key ${key};
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:MastodonSSL:10m;
  ssl_session_tickets off;

  keepalive_timeout 75s;
  sendfile on;
  client_max_body_size ${CLIENT_MAX_BODY_SIZE};
  proxy_read_timeout 90s;
  proxy_send_timeout 90s;

  gzip on;
  gzip_vary on;
  gzip_proxied any;
  gzip_comp_level 6;
  gzip_types text/plain text/css application/json application/activity+json application/javascript text/xml application/xml application/xml+rss text/javascript image/svg+xml;

  # Rails-level health: excluded from host authorization and the HTTPS redirect, so it answers a
  # load balancer probe that carries the target's IP as Host. Fails when nginx or Puma is down.
  location = /health {
${PROXY_HEADERS}
    proxy_pass http://mastodon_puma;
  }

  # Always from Puma, never a static file, so a probe of /robots.txt also proves Puma is up. The
  # probe's Host is the target's IP, which Rails' host authorization refuses (it only exempts
  # /health), so this one location names the server's own domain instead.
  location = /robots.txt {
${PROXY_HEADERS.replace('proxy_set_header Host $host;', `proxy_set_header Host ${options.webDomain ?? '$host'};`)}
    proxy_pass http://mastodon_puma;
  }

  # Streaming API: WebSocket and server-sent events, the bare path and everything below it.
  location ^~ /api/v1/streaming {
${PROXY_HEADERS}
    proxy_pass http://mastodon_streaming;
    proxy_buffering off;
    proxy_read_timeout 1h;
    proxy_send_timeout 1h;
    tcp_nodelay on;
  }
${body}
  error_page 500 501 502 503 504 /500.html;
}
`;
}
