//! What the generator refuses: each broken schema is an error that names the
//! JSON pointer at fault, and no input makes it panic.

use crate::common;

use serde_json::{Value, json};

use common::schema;

/// The schema with the value at `pointer` replaced (or removed, for `None`).
fn edited(pointer: &str, value: Option<Value>) -> String {
    edited_from(&schema(), pointer, value)
}

/// `base` with the value at `pointer` replaced (or removed, for `None`).
fn edited_from(base: &Value, pointer: &str, value: Option<Value>) -> String {
    let mut doc = base.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    let parent = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}"));
    match (parent, value) {
        (Value::Object(map), Some(value)) => {
            map.insert(key, value);
        }
        (Value::Object(map), None) => {
            map.shift_remove(&key);
        }
        (Value::Array(items), Some(value)) => items[key.parse::<usize>().unwrap()] = value,
        (Value::Array(items), None) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer} is not in a container"),
    }
    doc.to_string()
}

fn refused(text: &str) -> String {
    match qiyuesuo_codegen::generate(text, "test.json") {
        Ok(_) => panic!("the generator accepted a broken schema"),
        Err(errors) => errors.to_string(),
    }
}

const OP: &str = "/paths/~1companyauth~1miniappexchange/post";

#[test]
fn the_real_schema_is_accepted() {
    assert!(qiyuesuo_codegen::generate(&schema().to_string(), "x").is_ok());
}

#[test]
fn a_dangling_ref_names_its_pointer() {
    let text = edited(
        "/components/schemas/CompanyAuthMiniappTicketRequest/properties/applicant",
        Some(json!({"$ref": "#/components/schemas/Nobody"})),
    );
    let message = refused(&text);
    assert!(
        message.contains(
            "#/components/schemas/CompanyAuthMiniappTicketRequest/properties/applicant/$ref: dangling reference `#/components/schemas/Nobody`"
        ),
        "{message}"
    );
}

#[test]
fn a_missing_operation_id_names_the_operation() {
    let message = refused(&edited(&format!("{OP}/operationId"), None));
    assert!(message.contains(&format!("#{OP}: missing `operationId`")), "{message}");
}

#[test]
fn an_unsupported_content_type_names_the_media_type() {
    let media = schema().pointer(&format!("{OP}/requestBody/content/application~1json")).cloned();
    let text = edited(&format!("{OP}/requestBody/content"), Some(json!({"text/plain": media})));
    let message = refused(&text);
    assert!(message.contains(&format!("#{OP}/requestBody/content/text~1plain: unsupported content type")), "{message}");
}

#[test]
fn each_unsupported_shape_is_refused_with_its_pointer() {
    let request = "/components/schemas/CompanyAuthMiniappTicketRequest";
    let cases: Vec<(String, Option<Value>, String)> = vec![
        ("/openapi".into(), Some(json!("3.1.0")), "#/openapi: OpenAPI version `3.1.0` is not supported".into()),
        (
            "/paths/~1companyauth~1miniappexchange/put".into(),
            schema().pointer(OP).cloned(),
            "#/paths/~1companyauth~1miniappexchange/put: method PUT is not supported".into(),
        ),
        (
            format!("{OP}/parameters"),
            Some(json!([{"name": "id", "in": "path", "schema": {"type": "string"}}])),
            format!("#{OP}/parameters/0/in: `path` parameters are not supported"),
        ),
        (
            format!("{request}/properties/pageStyle"),
            Some(json!({"type": "object", "properties": {"themeColor": {"type": "string"}}})),
            format!("#{request}/properties/pageStyle: an inline object or enum has no name"),
        ),
        (
            format!("{request}/properties/closeButton/oneOf"),
            Some(json!([{"type": "boolean"}])),
            format!("#{request}/properties/closeButton/oneOf: schema keyword `oneOf` is not supported"),
        ),
        (
            format!("{request}/properties/registerNo/format"),
            Some(json!("date-time")),
            format!("#{request}/properties/registerNo/format: format `date-time` on type `string` is not supported"),
        ),
        (
            "/components/schemas/CompanyModifyFields/pattern".into(),
            Some(json!("^.*$")),
            "#/components/schemas/CompanyModifyFields/pattern: the pattern disagrees with the set's values".into(),
        ),
        (
            format!("{OP}/x-qys-response-codes/0/name"),
            Some(json!("INVALID_TOKEN")),
            format!("#{OP}/x-qys-response-codes/0/name: name `INVALID_TOKEN` already belongs to another code"),
        ),
        (
            format!("{OP}/responses/200/content/application~1json/schema"),
            Some(json!({"$ref": "#/components/schemas/TicketResult"})),
            format!("#{OP}/responses/200/content/application~1json/schema: a response schema must be the envelope"),
        ),
        ("/servers".into(), Some(json!([])), "#/servers: `servers` must list at least one server".into()),
        (
            "/components/schemas/PersonalAuthStatus/properties/mode".into(),
            Some(json!({"$ref": "#/components/schemas/ContactType"})),
            "#/components/schemas/ContactType: enum `ContactType` is used by a request and by an answer".into(),
        ),
        (
            format!("{request}/properties/registerNo/format"),
            Some(json!("binary")),
            format!(
                "#{request}/properties/registerNo: a file (`format: binary`) can only be a property of a `multipart/form-data` request body"
            ),
        ),
        (
            format!("{OP}/callbacks/companyAuthResult"),
            Some(json!({"{$response.body#/url}": {"post": {}}})),
            format!(
                "#{OP}/callbacks/companyAuthResult/{{$response.body#~1url}}: URL expression `{{$response.body#/url}}` is not supported"
            ),
        ),
        (
            format!("{OP}/x-qys-source/confidence"),
            Some(json!("sure")),
            format!("#{OP}/x-qys-source/confidence: `confidence` is `primary`, `secondary` or `unconfirmed`"),
        ),
        (
            "/components/schemas/Id".into(),
            Some(json!({"type": "string"})),
            "#/components/schemas/Id: schema name `Id` is the runtime's own type".into(),
        ),
        (
            "/paths/~1v2~1contract~1download/get/responses/200/content/application~1json/schema".into(),
            schema().pointer(&format!("{OP}/responses/200/content/application~1json/schema")).cloned(),
            "#/paths/~1v2~1contract~1download/get/responses/200/content: a file answer comes with the bare envelope"
                .into(),
        ),
        (
            "/components/schemas/CompanyState/enum/1".into(),
            Some(json!("Unknown")),
            "#/components/schemas/CompanyState/enum: value `Unknown` gives the variant `Unknown`".into(),
        ),
        (
            "/components/schemas/Envelope/x-qys-envelope".into(),
            None,
            "#/components/schemas: no schema is marked `x-qys-envelope: true`".into(),
        ),
    ];
    for (pointer, value, expected) in cases {
        let message = refused(&edited(&pointer, value));
        assert!(message.contains(&expected), "editing {pointer}: expected `{expected}` in:\n{message}");
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let mut doc = schema();
    doc["openapi"] = json!("2.0");
    doc.pointer_mut(OP).unwrap().as_object_mut().unwrap().shift_remove("operationId");
    let message = refused(&doc.to_string());
    assert!(message.starts_with("the schema has 2 problems:"), "{message}");
}

#[test]
fn json_syntax_errors_give_line_and_column() {
    let message = refused("{\n  \"openapi\": \"3.0.3\",\n  oops\n}");
    assert!(message.contains("not valid JSON (line 3, column 3)"), "{message}");
}

/// Removes, nulls or retypes every node of the schema in turn: the generator
/// must answer each with code or an error, never a panic.
#[test]
fn no_single_edit_makes_the_generator_panic() {
    fn pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let child_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    out.push(child_pointer.clone());
                    pointers(child, child_pointer, out);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let child_pointer = format!("{pointer}/{index}");
                    out.push(child_pointer.clone());
                    pointers(child, child_pointer, out);
                }
            }
            _ => {}
        }
    }
    let base = sweep_schema();
    let mut all = Vec::new();
    pointers(&base, String::new(), &mut all);
    assert!(all.len() > 500, "only {} nodes", all.len());
    // Panics are collected and reported together; the default hook would
    // print a backtrace for each. Only the sweep's own threads are silenced:
    // the other tests of this binary run beside it, and theirs still print.
    thread_local! {
        static SWEEPING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !SWEEPING.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
    let sweep = |pointers: &[String]| {
        SWEEPING.with(|sweeping| sweeping.set(true));
        let (mut refusals, mut panics) = (0, Vec::new());
        for pointer in pointers {
            for value in [None, Some(Value::Null), Some(json!(7)), Some(json!({"$ref": "#/x"})), Some(json!([]))] {
                let text = edited_from(&base, pointer, value.clone());
                match std::panic::catch_unwind(|| qiyuesuo_codegen::generate(&text, "x.json")) {
                    Ok(Err(errors)) => {
                        refusals += 1;
                        assert!(errors.0.iter().all(|e| !e.message.is_empty()));
                    }
                    Ok(Ok(_)) => {}
                    Err(_) => panics.push(format!("{pointer} := {value:?}")),
                }
            }
        }
        SWEEPING.with(|sweeping| sweeping.set(false));
        (refusals, panics)
    };
    let (first, second) = all.split_at(all.len() / 2);
    let ((refused_first, mut panics), (refused_second, more)) = std::thread::scope(|scope| {
        let other = scope.spawn(|| sweep(second));
        let mine = sweep(first);
        (mine, other.join().unwrap())
    });
    panics.extend(more);
    assert!(panics.is_empty(), "the generator panicked after these edits:\n{}", panics.join("\n"));
    assert!(refused_first + refused_second > all.len(), "too few edits were refused");
}

/// The schema cut to one operation of each shape (JSON body with callbacks,
/// multipart, query, open enums and ids, a file answer) and the components
/// they use: every construct the generator reads, at a size a sweep can edit
/// node by node.
fn sweep_schema() -> Value {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match child.as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
                        Some(name) if key == "$ref" => out.push(name.to_owned()),
                        _ => refs(child, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
            _ => {}
        }
    }
    let mut doc = schema();
    let keep = [
        "/companyauth/miniappexchange",
        "/companyauth/miniappexchangewithlicense",
        "/v2/personalauth/result",
        "/v2/company/detail",
        "/v2/contract/download",
    ];
    doc["paths"].as_object_mut().unwrap().retain(|path, _| keep.contains(&path.as_str()));
    let mut pending = Vec::new();
    refs(&doc["paths"], &mut pending);
    refs(&doc["components"]["responses"], &mut pending);
    let mut reached = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            refs(&doc["components"]["schemas"][&name], &mut pending);
        }
    }
    doc["components"]["schemas"].as_object_mut().unwrap().retain(|name, _| reached.contains(name));
    assert!(qiyuesuo_codegen::generate(&doc.to_string(), "sweep.json").is_ok());
    doc
}

#[test]
fn the_build_script_reports_the_file_and_the_pointer() {
    let dir = std::env::temp_dir().join(format!("qys-codegen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema_path = dir.join("broken.json");
    std::fs::write(&schema_path, edited(&format!("{OP}/operationId"), None)).unwrap();
    let error = qiyuesuo_codegen::build_script(&schema_path, &dir.join("out")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("broken.json") && message.contains(&format!("#{OP}: missing `operationId`")), "{message}");
    assert!(!dir.join("out").join("client.rs").exists(), "files were written for a broken schema");
    std::fs::remove_dir_all(&dir).ok();
}

const DETAIL: &str = "/paths/~1v2~1contract~1detail/get";
const SEND: &str = "/paths/~1v2~1contract~1send/post";
const CONTRACT_LIST: &str = "/paths/~1v2~1contract~1list/get";

#[test]
fn a_one_of_must_be_declared_and_name_optional_strings_of_the_request() {
    let message = refused(&edited(&format!("{DETAIL}/x-qys-one-of"), Some(json!(["Nowhere"]))));
    assert!(
        message.contains(&format!(
            "#{DETAIL}/x-qys-one-of: one-of `Nowhere` is not declared in `components.x-qys-one-of`"
        )),
        "{message}"
    );
    // A member the request does not have; a member that is required; a member that is not a string.
    let mut doc = schema();
    doc["components"]["x-qys-one-of"]["ContractRef"]["variants"][1]["optional"] = json!(["tenantName", "ghost"]);
    let message = refused(&doc.to_string());
    assert!(
        message.contains("one-of `ContractRef` takes `ghost`, which `ContractDetailRequest` does not have"),
        "{message}"
    );
    let mut doc = schema();
    doc["components"]["schemas"]["ContractSendRequest"]["required"] = json!(["contractId"]);
    let message = refused(&doc.to_string());
    assert!(
        message.contains("`contractId` is required in `ContractSendRequest`, but one-of `ContractRef` chooses it"),
        "{message}"
    );
    let mut doc = schema();
    doc["components"]["schemas"]["ContractSendRequest"]["properties"]["bizId"] = json!({"type": "integer"});
    let message = refused(&doc.to_string());
    assert!(
        message.contains(&format!("#{SEND}/x-qys-one-of: `bizId` of one-of `ContractRef` must be a string")),
        "{message}"
    );
}

#[test]
fn a_one_of_declaration_needs_two_groups_of_distinct_properties_and_a_field() {
    let mut doc = schema();
    doc["components"]["x-qys-one-of"]["ContractRef"] = json!({"field": "Contract", "variants": [{"name": "Id", "required": ["contractId"]}, {"name": "id", "required": ["contractId"]}]});
    let message = refused(&doc.to_string());
    for expected in [
        "#/components/x-qys-one-of/ContractRef/field: `field` names the request field that holds the choice, in snake_case",
        "#/components/x-qys-one-of/ContractRef/variants/1/name: each group needs a unique UpperCamelCase `name`",
        "#/components/x-qys-one-of/ContractRef/variants/1: property `contractId` is in two groups",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    let mut doc = schema();
    doc["components"]["x-qys-one-of"]["Contract"] = doc["components"]["x-qys-one-of"]["ContractRef"].clone();
    let message = refused(&doc.to_string());
    assert!(message.contains("one-of name `Contract` already names a type"), "{message}");
}

#[test]
fn pagination_names_integer_parameters_and_the_answers_total_and_page() {
    let spec = json!({"offset": "selectOffset", "limit": "status", "total": "list", "items": "totalCount", "size": 1});
    let message = refused(&edited(&format!("{CONTRACT_LIST}/x-qys-pagination"), Some(spec)));
    for expected in [
        format!("#{CONTRACT_LIST}/x-qys-pagination/size: `size` is not a field of `x-qys-pagination`"),
        format!("#{CONTRACT_LIST}/x-qys-pagination/limit: `limit` names an integer query parameter"),
        format!("#{CONTRACT_LIST}/x-qys-pagination/total: `total` names the answer's integer field"),
        format!("#{CONTRACT_LIST}/x-qys-pagination/items: `items` names the answer's array field"),
    ] {
        assert!(message.contains(&expected), "{expected}\n{message}");
    }
}

#[test]
fn a_state_rule_names_a_known_effect_and_codes_of_the_schema() {
    let rule =
        json!({"effect": "teleport", "transitions": [{"from": [], "to": 3}], "otherwise": 4242, "action": "COMPANY"});
    let message = refused(&edited(&format!("{SEND}/x-qys-state"), Some(rule)));
    for expected in [
        format!("#{SEND}/x-qys-state/effect: `effect` is one of create, attach, move, sign, read, exists"),
        format!("#{SEND}/x-qys-state/transitions/0/from: `from` lists the statuses"),
        format!("#{SEND}/x-qys-state/transitions/0/to: `to` is the status it leaves, or `null`"),
        format!("#{SEND}/x-qys-state/otherwise: `otherwise` is a code of the global table or the operation's"),
        format!("#{SEND}/x-qys-state/action: `action` (the action type signed) goes with `effect: sign`"),
    ] {
        assert!(message.contains(&expected), "{expected}\n{message}");
    }
}

#[test]
fn files_outside_multipart_are_refused_singly_or_in_lists() {
    let mut doc = schema();
    doc["components"]["schemas"]["ContractSendRequest"]["properties"]["scans"] =
        json!({"type": "array", "items": {"type": "string", "format": "binary"}});
    let message = refused(&doc.to_string());
    assert!(
        message.contains("#/components/schemas/ContractSendRequest/properties/scans: a file (`format: binary`) can only be a property of a `multipart/form-data` request body"),
        "{message}"
    );
}

#[test]
fn variant_names_name_values_of_the_enum_with_unique_usable_names() {
    let names = json!({"IDCARDNO": "IdCardNo", "PASSPORT": "IdCardNo", "NOPE": "Nope", "USERNAME": "Unknown"});
    let message = refused(&edited("/components/schemas/PersonalModifyField/x-qys-variant-names", Some(names)));
    let at = "#/components/schemas/PersonalModifyField/x-qys-variant-names";
    for expected in [
        format!("{at}/NOPE: `NOPE` is not a value of `PersonalModifyField`"),
        format!("{at}/PASSPORT: `IdCardNo` is not a unique UpperCamelCase variant name"),
        format!("{at}/USERNAME: `Unknown` is not a unique UpperCamelCase variant name"),
    ] {
        assert!(message.contains(&expected), "{expected}\n{message}");
    }
}

#[test]
fn security_names_one_pair_every_alternative_needs_each_token_with_its_signature() {
    let saas = "/paths/~1saas~1v2~1binding/get/security";
    let company = json!({"accessToken": [], "timestamp": [], "nonce": [], "signature": []});
    let agent = json!({"agentAccessToken": [], "timestamp": [], "nonce": [], "agentSignature": []});
    let cases = [
        // Either pair alone: no pair every request has.
        (saas, json!([company, agent]), "must all have the company's pair, or all the agent's"),
        (saas, json!([{"agentAccessToken": [], "timestamp": [], "nonce": []}]), "a token without its signature"),
        (saas, json!([{"agentAccessToken": [], "agentSignature": []}]), "needs the headers"),
        (saas, json!([{"nobody": []}]), "`nobody` is not a header `apiKey`"),
        (saas, json!([]), "must list the headers"),
        ("/security", json!([agent]), "the document's `security` must be the company's pair"),
    ];
    for (pointer, value, expected) in cases {
        let message = refused(&edited(pointer, Some(value)));
        let at = pointer.trim_end_matches("/security");
        assert!(message.contains(&format!("#{at}/security: ")) && message.contains(expected), "{pointer}: {message}");
    }
    // An unknown header, through a scheme of its own.
    let mut doc = schema();
    doc["components"]["securitySchemes"]["extra"] = json!({"type": "apiKey", "in": "header", "name": "x-other"});
    let mut alternative = agent.clone();
    alternative["extra"] = json!([]);
    doc["paths"]["/saas/v2/binding"]["get"]["security"] = json!([alternative]);
    assert!(refused(&doc.to_string()).contains("the header `x-other` is not one this project signs"));
}

#[test]
fn another_wire_form_must_be_a_list_of_schemas() {
    let at = "/components/schemas/CopySendReceiver/properties/send/x-qys-also-accepted";
    let message = refused(&edited(at, Some(json!({"type": "string"}))));
    assert!(message.contains(&format!("#{at}: `x-qys-also-accepted` is a non-empty array of schemas")), "{message}");
    let message = refused(&edited(at, Some(json!([{"type": "object", "properties": {}}]))));
    assert!(message.contains(&format!("#{at}/0: an inline object or enum has no name")), "{message}");
    // A form that is a reference must resolve, as any other: the mock's validator would fail on it.
    let message = refused(&edited(at, Some(json!([{"$ref": "#/components/schemas/Nobody"}]))));
    assert!(message.contains(&format!("#{at}/0/$ref: dangling reference `#/components/schemas/Nobody`")), "{message}");
}

#[test]
fn an_unknown_extension_is_refused_with_the_nearest_known_name_and_fresh_must_be_true() {
    let text = edited(&format!("{OP}/x-qys-idempotnet"), Some(json!(true)));
    let message = refused(&text);
    assert!(
        message.contains("x-qys-idempotnet: `x-qys-idempotnet` is not an extension this schema reader knows (did you mean `x-qys-idempotent`?)"),
        "{message}"
    );
    let text = edited("/components/schemas/TicketResult/properties/ticket/x-qys-fresh", Some(json!("yes")));
    let message = refused(&text);
    assert!(message.contains("TicketResult/properties/ticket/x-qys-fresh: `x-qys-fresh` is `true`"), "{message}");
    // Other `x-` keys are other tools' business.
    let text = edited(&format!("{OP}/x-codegen-hint"), Some(json!(1)));
    assert!(qiyuesuo_codegen::generate(&text, "x.json").is_ok());
}
