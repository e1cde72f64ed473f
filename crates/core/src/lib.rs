//! Yizhan's domain: types, validation and rules. Pure functions, no I/O.

/// Decoding a stored code (`TryFrom<String>`, through the type's `parse`): a code the list
/// lacks is an error, never a default. The store reads coded columns into their enums with it.
/// Displayed, a value is its code (as a template writes it into a class or a form value), and it
/// equals its code (`state == "ready"`, as a template or a test compares it).
macro_rules! stored_code {
    ($($name:ident),+ $(,)?) => {$(
        impl PartialEq<&str> for $name {
            fn eq(&self, code: &&str) -> bool {
                self.as_str() == *code
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl TryFrom<String> for $name {
            type Error = $crate::error::UnknownCode;
            fn try_from(s: String) -> Result<$name, Self::Error> {
                $name::parse(&s).ok_or($crate::error::UnknownCode {
                    kind: stringify!($name),
                    code: s,
                })
            }
        }
    )+};
}

/// A closed list of codes stored as text (`as_str`/`parse`) with a locale key per code
/// (`label_key` = prefix + code). Declared before the modules so each of them can use it.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $prefix:literal, [$($(#[$vm:meta])* $v:ident => $s:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|k| k.as_str() == s)
            }
            pub fn label_key(self) -> &'static str {
                match self { $($name::$v => concat!($prefix, $s)),+ }
            }
        }
        stored_code!($name);
    };
}

// The areas, the same in every crate.
pub mod admin;
pub mod care;
pub mod command;
pub mod notify;
pub mod station;
pub mod work;

// What every area uses.
pub mod access;
pub mod error;
pub mod mask;
pub mod text;
pub mod time;
pub mod validate;
pub mod words;
