//! Which keys a node may start with, and which a rotation may run with, given the key checks
//! the database keeps (see `crate::crypto` for the design): pure, so every case is a unit test.

/// The key checks a database keeps: the key its data is sealed under, and, while a rotation
/// runs, the key it is moving to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKeys<'a> {
    pub sealed_under: &'a str,
    pub rotating_to: Option<&'a str>,
}

/// The key checks of the keys a node holds: the one it seals with, and the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldKeys<'a> {
    pub current: &'a str,
    pub previous: Option<&'a str>,
}

impl StoredKeys<'_> {
    /// The key moved to, when a rotation to another key runs (an upgrade of the format under
    /// the same key is no move).
    fn moving_to(&self) -> Option<&str> {
        self.rotating_to.filter(|to| *to != self.sealed_under)
    }
}

/// Why a node may not start with the keys it holds; each says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyRefusal {
    #[error(
        "the secret key (DUIJIE_SECRET_KEY) is not the one this database's private data is \
         sealed with: it would be unreadable. Start with that key; after `duijie keys rotate` \
         that is the new key, and the old one no longer opens anything"
    )]
    WrongKey,
    #[error(
        "DUIJIE_SECRET_KEY is a new key this database has not been rotated to: run \
         `duijie keys rotate` (DUIJIE_SECRET_KEY the new key, DUIJIE_PREVIOUS_SECRET_KEY the \
         old one) first, or start with the old key"
    )]
    NotRotatedYet,
    #[error(
        "a key rotation is under way: start with DUIJIE_SECRET_KEY set to the new key and \
         DUIJIE_PREVIOUS_SECRET_KEY to the old one (a node needs both to read everything), \
         or finish the rotation with `duijie keys rotate` and those two settings"
    )]
    RotationUnderWay,
    #[error(
        "a rotation to another key is under way: finish it with `duijie keys rotate`, \
         DUIJIE_SECRET_KEY set to that key and DUIJIE_PREVIOUS_SECRET_KEY to the old one"
    )]
    OtherRotationUnderWay,
    #[error(
        "DUIJIE_PREVIOUS_SECRET_KEY must be the key this database's private data is sealed with \
         now (on SQLite without a configured key, the contents of <data_dir>/secret.key)"
    )]
    PreviousKeyWrong,
}

/// Whether a node holding `held` may serve a database keeping `stored`: only if it can read
/// every value and seals with the key the data is (or is being) moved to.
pub fn admit(stored: &StoredKeys, held: &HeldKeys) -> Result<(), KeyRefusal> {
    match stored.moving_to() {
        None if held.current == stored.sealed_under => Ok(()),
        None if held.previous == Some(stored.sealed_under) => Err(KeyRefusal::NotRotatedYet),
        None => Err(KeyRefusal::WrongKey),
        Some(to) if held.current == to && held.previous == Some(stored.sealed_under) => Ok(()),
        Some(_) => Err(KeyRefusal::RotationUnderWay),
    }
}

/// Whether `duijie keys rotate` may re-seal a database keeping `stored` under `held.current`:
/// it must hold the key the data is under, and no rotation to another key may be under way.
/// The same key as now re-seals values of the legacy format only.
pub fn admit_rotation(stored: &StoredKeys, held: &HeldKeys) -> Result<(), KeyRefusal> {
    if stored.moving_to().is_some_and(|to| to != held.current) {
        return Err(KeyRefusal::OtherRotationUnderWay);
    }
    if held.current == stored.sealed_under || held.previous == Some(stored.sealed_under) {
        Ok(())
    } else {
        Err(KeyRefusal::PreviousKeyWrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored<'a>(under: &'a str, to: Option<&'a str>) -> StoredKeys<'a> {
        StoredKeys {
            sealed_under: under,
            rotating_to: to,
        }
    }

    fn held<'a>(current: &'a str, previous: Option<&'a str>) -> HeldKeys<'a> {
        HeldKeys { current, previous }
    }

    #[test]
    fn a_node_starts_with_the_key_the_data_is_under_or_both_keys_of_a_rotation() {
        let settled = stored("A", None);
        assert_eq!(admit(&settled, &held("A", None)), Ok(()));
        assert_eq!(admit(&settled, &held("A", Some("Z"))), Ok(()));
        assert_eq!(admit(&settled, &held("B", None)), Err(KeyRefusal::WrongKey));
        assert_eq!(
            admit(&settled, &held("B", Some("A"))),
            Err(KeyRefusal::NotRotatedYet)
        );

        let rotating = stored("A", Some("B"));
        assert_eq!(admit(&rotating, &held("B", Some("A"))), Ok(()));
        for keys in [held("A", None), held("B", None), held("A", Some("B"))] {
            assert_eq!(
                admit(&rotating, &keys),
                Err(KeyRefusal::RotationUnderWay),
                "{keys:?}"
            );
        }
        // An upgrade of the format under the same key needs no second key.
        assert_eq!(admit(&stored("A", Some("A")), &held("A", None)), Ok(()));

        let rotated = stored("B", None);
        assert_eq!(admit(&rotated, &held("A", None)), Err(KeyRefusal::WrongKey));
        assert_eq!(admit(&rotated, &held("B", Some("A"))), Ok(()));
    }

    #[test]
    fn a_rotation_needs_the_key_the_data_is_under_and_no_other_rotation() {
        assert_eq!(
            admit_rotation(&stored("A", None), &held("B", Some("A"))),
            Ok(())
        );
        assert_eq!(admit_rotation(&stored("A", None), &held("A", None)), Ok(()));
        assert_eq!(
            admit_rotation(&stored("A", Some("B")), &held("B", Some("A"))),
            Ok(())
        );
        assert_eq!(
            admit_rotation(&stored("A", None), &held("B", None)),
            Err(KeyRefusal::PreviousKeyWrong)
        );
        assert_eq!(
            admit_rotation(&stored("A", None), &held("B", Some("C"))),
            Err(KeyRefusal::PreviousKeyWrong)
        );
        assert_eq!(
            admit_rotation(&stored("A", Some("B")), &held("C", Some("A"))),
            Err(KeyRefusal::OtherRotationUnderWay)
        );
    }
}
