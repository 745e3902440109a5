//! The real `vitrine` binary as separate processes (for what one process
//! cannot show: signals, being killed, two servers behind a proxy), and
//! nginx in front of them.

use super::workspace_root;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A site folder: the real one under `./x test`, else just its manifest
/// (the HTML is the same; the bundles it names are not fetched here).
pub fn site(scratch: &Path) -> PathBuf {
    if let Ok(root) = std::env::var("VITRINE_SITE_ROOT") {
        return root.into();
    }
    let dir = scratch.join("site");
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(
        dir.join("pkg/site.json"),
        r#"{"app_output_name":"vitrine.test","stylesheet":"vitrine.test.css",
            "viewer_js":"viewer.test.js","viewer_wasm":"viewer.test_bg.wasm",
            "quick_look_js":"quick-look.test.js","quick_look_wasm":"quick-look.test_bg.wasm"}"#,
    )
    .unwrap();
    dir
}

/// `vitrine` with the settings a server and its CLI share.
pub fn vitrine(data: &Path, database_url: &str, site: &Path) -> Command {
    std::fs::create_dir_all(data).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_vitrine"));
    command
        .env("VITRINE_DATA_DIR", data)
        .env("DATABASE_URL", database_url)
        .env("VITRINE_SITE_ROOT", site)
        .env("VITRINE_SEED_DIR", workspace_root().join("seed"))
        .env("VITRINE_BUILD_LADDERS", "off")
        .env("VITRINE_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    command
}

/// A running server process, killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub port: u16,
    pub base: String,
}

impl ServerProcess {
    /// Starts `command` on a free loopback port and waits until `/readyz` says ready.
    pub async fn start(mut command: Command) -> Self {
        let port = free_port();
        let child = command
            .env("VITRINE_ADDR", format!("127.0.0.1:{port}"))
            .spawn()
            .expect("the vitrine binary starts");
        let server = Self {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
        };
        wait_until_ready(&format!("{}/readyz", server.base)).await;
        server
    }

    /// Sends a signal (`TERM`, `KILL`) to the process.
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{name}");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_until_ready(url: &str) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let ready = client.get(url).send().await;
        if ready.is_ok_and(|r| r.status() == 200) {
            return;
        }
        assert!(Instant::now() < deadline, "{url} never answered 200");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Debian's nginx on a free loopback port, round-robin over `upstreams`
/// (ports), passing a request on to the next server when one fails to
/// answer. Stopped when dropped.
pub struct Nginx {
    child: Child,
    pub base: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    pub async fn start(upstreams: &[u16]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let servers: String = upstreams
            .iter()
            .map(|p| format!("        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"))
            .collect();
        let prefix = dir.path().display();
        let config = format!(
            "daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 50m;
    upstream vitrine {{
{servers}        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://vitrine;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            # A server that cannot be reached is skipped (requests it never
            # received are safe to send elsewhere, whatever their method).
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new("nginx")
            .args(["-p", &prefix.to_string(), "-c", &conf.display().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts (./x test installs Debian's nginx)");
        let nginx = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        wait_until_ready(&format!("{}/readyz", nginx.base)).await;
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
