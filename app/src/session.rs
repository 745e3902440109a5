//! The session cookie (server only): reading the token from a request and
//! writing the `Set-Cookie` that carries it. The API also accepts the token
//! as `Authorization: Bearer …` for clients that do not keep cookies.

use http::HeaderMap;
use http::header::{AUTHORIZATION, COOKIE};
use vitrine_domain::shop::SESSION_TTL_SECONDS;

pub const SESSION_COOKIE: &str = "vitrine_session";

/// The session token a request carries, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        return Some(token.trim().to_string());
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// Whether the shopper reached us over TLS (directly, or through the load
/// balancer, which says so in `X-Forwarded-Proto`).
pub fn is_https(headers: &HeaderMap, public_url: &str) -> bool {
    public_url.starts_with("https://")
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// The cookie for a new session: script can't read it (HttpOnly), other
/// sites can't send it with their forms (SameSite=Lax), TLS only when served so.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_TTL_SECONDS}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_token_among_other_cookies_or_as_a_bearer() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; vitrine_session=abc; b=2".parse().unwrap());
        assert_eq!(token_from(&headers).as_deref(), Some("abc"));
        headers.insert(AUTHORIZATION, "Bearer xyz".parse().unwrap());
        assert_eq!(token_from(&headers).as_deref(), Some("xyz"));
        assert_eq!(token_from(&HeaderMap::new()), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_behind_tls() {
        let cookie = session_cookie("t", false);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Secure"));
        assert!(session_cookie("t", true).ends_with("; Secure"));
        let mut headers = HeaderMap::new();
        assert!(!is_https(&headers, "http://127.0.0.1:3000"));
        assert!(is_https(&headers, "https://shop.example.com"));
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(is_https(&headers, "http://10.0.0.1"));
    }
}
