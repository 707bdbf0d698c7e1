//! How an operation is signed, from OpenAPI `security`: with the company's
//! pair (AppToken and AppSecret), or with an agent's (SaaS mode, 代理商), each
//! alternative optionally carrying the other pair as well. The headers name
//! the schemes, so the schema may call its schemes anything.

use serde_json::Value;

use crate::doc::follow;
use crate::ir::Signer;

/// The headers every signed request carries.
const SHARED: &[&str] = &["x-qys-open-timestamp", "x-qys-open-nonce"];
/// The company's pair.
const COMPANY: &[&str] = &["x-qys-open-accesstoken", "x-qys-open-signature"];
/// The agent's pair.
const AGENT: &[&str] = &["x-qys-open-agentaccesstoken", "x-qys-open-agentsignature"];

/// The signing an operation's `security` (else the document's; the company's
/// when neither says) asks for, or why it is not one this project can sign:
/// the pair every alternative has is the one needed; an alternative may add
/// the other.
pub(crate) fn signing(doc: &Value, operation: Option<&Value>) -> Result<Signer, String> {
    let Some(requirements) = operation.and_then(|op| op.get("security")).or_else(|| doc.get("security")) else {
        return Ok(Signer::Company);
    };
    let Some(alternatives) = requirements.as_array().filter(|a| !a.is_empty()) else {
        return Err("`security` must list the headers a request is signed with".to_owned());
    };
    let (mut company, mut agent) = (true, true);
    for alternative in alternatives {
        let (has_company, has_agent) = pairs(doc, alternative)?;
        company &= has_company;
        agent &= has_agent;
    }
    match (company, agent) {
        (true, false) => Ok(Signer::Company),
        (false, true) => Ok(Signer::Agent),
        _ => Err("the alternatives of `security` must all have the company's pair, or all the agent's (the other \
                  pair optional)"
            .to_owned()),
    }
}

/// Which pairs one alternative has; it always has the shared headers.
fn pairs(doc: &Value, alternative: &Value) -> Result<(bool, bool), String> {
    let Some(schemes) = alternative.as_object() else {
        return Err("a `security` alternative is an object of scheme names".to_owned());
    };
    let mut headers = Vec::new();
    for name in schemes.keys() {
        let scheme = doc.pointer(&crate::pointer::join("/components/securitySchemes", name)).map(|s| follow(doc, s));
        let header = scheme
            .filter(|s| s.get("type").and_then(Value::as_str) == Some("apiKey"))
            .filter(|s| s.get("in").and_then(Value::as_str) == Some("header"))
            .and_then(|s| s.get("name"))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        match header {
            Some(header) => headers.push(header),
            None => return Err(format!("`{name}` is not a header `apiKey` of `components.securitySchemes`")),
        }
    }
    let known = |h: &String| [SHARED, COMPANY, AGENT].iter().any(|set| set.contains(&h.as_str()));
    if let Some(unknown) = headers.iter().find(|h| !known(h)) {
        return Err(format!("the header `{unknown}` is not one this project signs"));
    }
    let has = |set: &[&str]| set.iter().all(|h| headers.iter().any(|x| x == h));
    if !has(SHARED) {
        return Err(format!("a `security` alternative needs the headers {SHARED:?}"));
    }
    let partial = |set: &[&str]| !has(set) && set.iter().any(|h| headers.iter().any(|x| x == h));
    if partial(COMPANY) || partial(AGENT) {
        return Err("a `security` alternative has a token without its signature, or the reverse".to_owned());
    }
    Ok((has(COMPANY), has(AGENT)))
}
