//! Conversions between look-alike request types that the schema keeps
//! apart because the API's values differ: verification takes a person by
//! mobile or email (`User`, `ContactType`), a contract also by employee id,
//! number or business id (`ContractUser`, `ContractContactType`). The narrow
//! type converts into the wide one; the other way has no conversion, since
//! not every value fits. Written by hand: the schema has no way to say that
//! one type is a subset of another (a schema that renames these types must
//! rename them here too; the build says so).

use crate::models::{ContactType, ContractContactType, ContractUser, User};

impl From<ContactType> for ContractContactType {
    fn from(kind: ContactType) -> Self {
        match kind {
            ContactType::Mobile => ContractContactType::Mobile,
            ContactType::Email => ContractContactType::Email,
        }
    }
}

impl From<User> for ContractUser {
    fn from(user: User) -> Self {
        let mut person = ContractUser::new(user.contact, ContractContactType::from(user.contact_type));
        person.name = user.name;
        person
    }
}
