//! Property tests: the signer against an independent MD5 for any input, client
//! construction with any token, and the comma-set round trip.

mod common;

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
