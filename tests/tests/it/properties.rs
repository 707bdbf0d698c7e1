//! Property tests: the signer against an independent MD5 for any input, client
//! construction with any token, the comma-set round trip, exact ids and
//! open answer enums.

use crate::common;

use proptest::prelude::*;
use qiyuesuo::models::{CompanyModifyField, CompanyModifyFields};
use qiyuesuo::runtime::signing::signature;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn the_signature_is_the_md5_of_the_concatenation(
        token in ".*", secret in ".*", timestamp in any::<u64>(), nonce in proptest::option::of(".*"),
    ) {
        let signed = signature(&token, &secret, timestamp, nonce.as_deref());
        prop_assert_eq!(signed.len(), 32);
        prop_assert!(signed.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        prop_assert_eq!(signed, common::independent_signature(&token, &secret, &timestamp.to_string(), nonce.as_deref()));
    }
}

proptest! {
    #[test]
    fn any_token_or_secret_builds_a_client_or_a_config_error(token in ".*", secret in ".*") {
        match qiyuesuo::Client::new("http://127.0.0.1:9", token.clone(), secret.clone()) {
            Ok(client) => {
                prop_assert!(!token.is_empty() && !secret.is_empty());
                let shown = format!("{client:?}");
                prop_assert!(token.len() < 4 || !shown.contains(&token));
            }
            Err(error) => prop_assert!(matches!(error, qiyuesuo::Error::Config(_)), "{}", error),
        }
    }

    #[test]
    fn comma_sets_round_trip_in_canonical_order(picks in proptest::collection::vec(0usize..3, 0..8)) {
        let all = [CompanyModifyField::CorpName, CompanyModifyField::RegisterNo, CompanyModifyField::LegalPerson];
        let set: CompanyModifyFields = picks.iter().map(|i| all[*i]).collect();
        let wire = serde_json::to_value(&set).unwrap();
        let text = wire.as_str().unwrap().to_owned();
        let back: CompanyModifyFields = serde_json::from_value(wire).unwrap();
        prop_assert_eq!(&back, &set);
        let expected: Vec<&str> = ["corpName", "registerNo", "legalPerson"]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| picks.contains(i))
            .map(|(_, name)| name)
            .collect();
        prop_assert_eq!(text, expected.join(","));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Every id the API can send, as a JSON string or a JSON number, is kept
    /// exactly (an `f64` would round most 19-digit ones) and sent back as a string.
    #[test]
    fn ids_round_trip_exactly_from_strings_and_numbers(id in 0i64..=i64::MAX) {
        use qiyuesuo::runtime::Id;
        let from_number: Id = serde_json::from_str(&id.to_string()).unwrap();
        let from_string: Id = serde_json::from_str(&format!("\"{id}\"")).unwrap();
        prop_assert_eq!(from_number.get(), id);
        prop_assert_eq!(from_string, from_number);
        prop_assert_eq!(serde_json::to_string(&from_number).unwrap(), format!("\"{id}\""));
        // Inside an answer, through the generated model.
        let detail: qiyuesuo::models::CompanyDetail =
            serde_json::from_str(&format!(r#"{{"status": "AUTH_SUCCESS", "id": {id}}}"#)).unwrap();
        prop_assert_eq!(detail.id.map(Id::get), Some(id));
    }

    #[test]
    fn text_that_is_not_an_id_is_refused(text in "[0-9]{20,25}|-[0-9]{1,5}|[0-9]{1,5}[a-z .e+][0-9]{0,3}| *") {
        let quoted = serde_json::to_string(&text).unwrap();
        prop_assert!(serde_json::from_str::<qiyuesuo::runtime::Id>(&quoted).is_err(), "{} was accepted", quoted);
    }
}

#[test]
fn ids_that_json_numbers_cannot_hold_exactly_are_refused() {
    use qiyuesuo::runtime::Id;
    for text in ["2.5e18", "2589012345678901234.0", "99999999999999999999", "-1", "9223372036854775808"] {
        let error = serde_json::from_str::<Id>(text).unwrap_err();
        assert!(!error.to_string().is_empty(), "{text}");
    }
    let error = serde_json::from_str::<Id>("2.5e18").unwrap_err();
    assert!(error.to_string().contains("is not exact"), "{error}");
}

#[test]
fn an_answer_enum_keeps_a_value_this_version_does_not_know() {
    use qiyuesuo::models::{CompanyDetail, CompanyState};
    let known: CompanyDetail = serde_json::from_str(r#"{"status": "AUTH_SUCCESS"}"#).unwrap();
    assert_eq!(known.status, CompanyState::AuthSuccess);
    let novel: CompanyDetail = serde_json::from_str(r#"{"status": "AUTH_FROZEN"}"#).unwrap();
    assert_eq!(novel.status, CompanyState::Unknown("AUTH_FROZEN".to_owned()));
    assert_eq!(serde_json::to_value(&novel).unwrap()["status"], "AUTH_FROZEN");
    assert_eq!(novel.status.to_string(), "AUTH_FROZEN");
    assert_eq!(CompanyState::from("UNREGISTERED"), CompanyState::Unregistered);
}
