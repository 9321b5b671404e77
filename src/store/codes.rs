//! The bridge between the domain's code enums and the text columns that hold them.
//!
//! A status, category, unit, role … is stored as its code (`NeedStatus::Published` ⇄
//! `'published'`). The entities type those columns with the domain enum itself, so a row is
//! parsed once, when it is read, and written from the enum: nothing outside this file turns a
//! code into a string or back for the database. A code the enum does not know is a database
//! error naming the enum and the code, never a silent default.
//!
//! This is what sea-orm's `DeriveValueType` expands to for a string-backed enum, written here
//! instead of on the enums so that `domain/` stays free of sea-orm.

use crate::domain::authz::Role;
use crate::domain::follow::{AlertMode, FollowKind};
use crate::domain::household::RegisterStatus;
use crate::domain::need::{
    BeneficiaryKind, Category, EventKind, NeedStatus, ObjectionStatus, Unit, Urgency,
};
use crate::domain::notification::{DeliveryStatus, NotificationKind};
use crate::domain::offer::{Destination, OfferEventKind, OfferKind, OfferStatus, RequestStatus};
use crate::domain::order::{OrderEventKind, OrderStatus};
use crate::domain::organisation::OrganisationKind;
use crate::domain::pairing::{PairingStatus, Program};
use crate::domain::pledge::PledgeStatus;
use crate::domain::product::{ProductCategory, ProductEventKind, ProductStatus, SaleUnit};

macro_rules! stored_as_code {
    ($($enum:ty),+ $(,)?) => {$(
        impl From<$enum> for sea_orm::Value {
            fn from(code: $enum) -> Self {
                sea_orm::Value::String(Some(code.as_str().to_owned()))
            }
        }

        impl sea_orm::TryGetable for $enum {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let code = String::try_get_by(res, idx)?;
                <$enum>::parse(&code).ok_or_else(|| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "unknown {} `{code}` in the database",
                        stringify!($enum)
                    )))
                })
            }
        }

        impl sea_orm::sea_query::ValueType for $enum {
            fn try_from(value: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let code = <String as sea_orm::sea_query::ValueType>::try_from(value)?;
                <$enum>::parse(&code).ok_or(sea_orm::sea_query::ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($enum).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $enum {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }

        impl sea_orm::IntoActiveValue<$enum> for $enum {
            fn into_active_value(self) -> sea_orm::ActiveValue<$enum> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )+};
}

stored_as_code!(
    AlertMode,
    BeneficiaryKind,
    Category,
    DeliveryStatus,
    Destination,
    EventKind,
    FollowKind,
    NeedStatus,
    NotificationKind,
    ObjectionStatus,
    OfferEventKind,
    OfferKind,
    OfferStatus,
    OrderEventKind,
    OrderStatus,
    OrganisationKind,
    PairingStatus,
    PledgeStatus,
    ProductCategory,
    ProductEventKind,
    ProductStatus,
    Program,
    RegisterStatus,
    RequestStatus,
    Role,
    SaleUnit,
    Unit,
    Urgency,
);

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::ValueType;

    use super::*;

    #[test]
    fn a_code_is_written_as_its_text_and_read_back_as_the_enum() {
        let value: sea_orm::Value = NeedStatus::FullyPledged.into();
        assert_eq!(
            value,
            sea_orm::Value::String(Some("fully_pledged".to_owned()))
        );
        assert_eq!(
            <NeedStatus as ValueType>::try_from(value).ok(),
            Some(NeedStatus::FullyPledged)
        );
        let role: sea_orm::Value = Role::OrgAdmin.into();
        assert_eq!(
            <Role as ValueType>::try_from(role).ok(),
            Some(Role::OrgAdmin)
        );
    }

    #[test]
    fn an_unknown_code_is_an_error_not_a_default() {
        let value = sea_orm::Value::String(Some("half_pledged".to_owned()));
        assert!(<NeedStatus as ValueType>::try_from(value).is_err());
    }
}
