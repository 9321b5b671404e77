//! Pure domain rules: no actix, no sea-orm, no I/O.

/// An enum of stable code names (as stored and as sent over the API) with their zh-CN labels:
/// `as_str`, `label_zh`, `parse` and `ALL` from one table, so a code and its label never drift.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        // By hand: utoipa's derive does not see a `serde(rename)` written by a macro, and
        // would name the values by their Rust variants instead of the codes on the wire.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .description(Some(concat!($(stringify!($variant), " = ", $code, " (", $zh, "); "),+)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The term shown in the zh-CN interface.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Every code name, for error messages that list what is accepted.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
// The store's list orders are code enums too (`sort=`), named on the wire the same way.
pub(crate) use code_enum;

pub mod api_token;
pub mod authz;
pub mod caps;
pub mod confirmation;
pub mod credit_code;
pub mod doctor;
pub mod follow;
pub mod household;
pub mod id_card;
pub mod keys;
pub mod locale;
pub mod mail_link;
pub mod matching;
pub mod need;
pub mod notification;
pub mod offer;
pub mod order;
pub mod organisation;
pub mod pairing;
pub mod password_reset;
pub mod phone;
pub mod photo;
pub mod pledge;
pub mod private_text;
pub mod product;
pub mod projection;
pub mod region;
pub mod session;
pub mod sign_in;
