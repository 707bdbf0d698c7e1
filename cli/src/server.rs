//! Which server a call goes to. `--server` (or `QYS_SERVER_URL`) is `mock`,
//! a server the schema names (`sandbox`, `production`), or a URL. Without
//! one, `qys` never fakes silently: with no credentials either, the embedded
//! mock answers and stderr says so; with credentials, it refuses to guess.

use qiyuesuo_schema::ir::Server;

/// Where the call goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The embedded mock; `announce`: say so on stderr (nobody asked for it).
    Mock { announce: bool },
    /// A base URL.
    Url(String),
}

/// The line on stderr when the mock answers without being asked for.
pub fn mock_notice(servers: &[Server], kept_in: Option<&std::path::Path>) -> String {
    let names: Vec<&str> = servers.iter().map(|s| s.name.as_str()).collect();
    let kept = match kept_in {
        Some(dir) => format!("; its contracts are kept in {}: delete it to start afresh", dir.display()),
        None => "; its contracts are not kept: no HOME".to_owned(),
    };
    format!(
        "qys: no --server, so the embedded mock answers (made up{kept}); for the real API say --server {} or a URL",
        names.join(", ")
    )
}

/// The target for `--server` (`given`), with `credentials` set or not.
pub fn choose(given: Option<&str>, credentials: bool, servers: &[Server]) -> Result<Target, String> {
    let names = || {
        let mut names: Vec<&str> = vec!["mock"];
        names.extend(servers.iter().map(|s| s.name.as_str()));
        names.join(", ")
    };
    match given {
        Some("mock") => Ok(Target::Mock { announce: false }),
        Some(name) if !name.contains("://") => match servers.iter().find(|s| s.name == name) {
            Some(server) => Ok(Target::Url(server.url.clone())),
            None => {
                // A host without its scheme, or a name misspelt: say what was likely meant.
                let hint = if name.contains('.') || name.contains(':') {
                    format!(" (did you mean https://{name}?)")
                } else {
                    let known = std::iter::once("mock").chain(servers.iter().map(|s| s.name.as_str()));
                    let nearest = crate::guide::nearest_names(name, known, 1);
                    nearest.first().map(|known| format!(" (did you mean {known}?)")).unwrap_or_default()
                };
                Err(format!("--server `{name}` is not a server{hint}: say {}, or a URL", names()))
            }
        },
        Some(url) if url.starts_with("http://") && !loopback(url) => Err(format!(
            "--server `{}` is plain http to a host that is not loopback, which would send the token in clear: use \
             https (plain http goes only to 127.0.0.1, ::1 or localhost)",
            qiyuesuo::runtime::__hooks::without_userinfo(url)
        )),
        Some(url) => Ok(Target::Url(url.to_owned())),
        None if credentials => Err(format!(
            "credentials are set but no --server: say --server {} or a URL (mock answers are made up)",
            names()
        )),
        None => Ok(Target::Mock { announce: true }),
    }
}

/// Whether a URL's host is loopback, by the client's own rule.
fn loopback(url: &str) -> bool {
    qiyuesuo::runtime::reqwest::Url::parse(url).is_ok_and(|url| qiyuesuo::runtime::__hooks::is_loopback(&url))
}

#[cfg(test)]
mod tests {
    use super::{Target, choose};
    use qiyuesuo_schema::ir::Server;

    fn servers() -> Vec<Server> {
        let server = |name: &str, url: &str| Server {
            name: name.to_owned(),
            variant: String::new(),
            url: url.to_owned(),
            description: None,
        };
        vec![server("sandbox", "https://openapi.qiyuesuo.cn"), server("production", "https://openapi.qiyuesuo.com")]
    }

    #[test]
    fn names_urls_and_the_mock() {
        let servers = servers();
        assert_eq!(choose(Some("sandbox"), true, &servers), Ok(Target::Url("https://openapi.qiyuesuo.cn".to_owned())));
        assert_eq!(
            choose(Some("production"), true, &servers),
            Ok(Target::Url("https://openapi.qiyuesuo.com".to_owned()))
        );
        assert_eq!(
            choose(Some("http://127.0.0.1:1"), true, &servers),
            Ok(Target::Url("http://127.0.0.1:1".to_owned()))
        );
        assert_eq!(choose(Some("mock"), true, &servers), Ok(Target::Mock { announce: false }));
        assert_eq!(choose(None, false, &servers), Ok(Target::Mock { announce: true }));
        let unknown = choose(Some("staging"), false, &servers).unwrap_err();
        assert_eq!(unknown, "--server `staging` is not a server: say mock, sandbox, production, or a URL");
        let guessed = choose(None, true, &servers).unwrap_err();
        assert!(guessed.starts_with("credentials are set but no --server"), "{guessed}");
    }
}
