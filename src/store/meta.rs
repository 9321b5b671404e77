//! The platform's own facts, kept in `platform_meta`.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};

use super::entity::platform_meta;

pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    Ok(platform_meta::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|row| row.value))
}

/// Stores `value` under `key` unless a value is there already; returns the stored value.
pub async fn get_or_insert(
    db: &impl ConnectionTrait,
    key: &str,
    value: &str,
) -> Result<String, DbErr> {
    if let Some(existing) = get(db, key).await? {
        return Ok(existing);
    }
    let inserted = platform_meta::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(crate::clock::now().fixed_offset()),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) => Ok(row.value),
        // Another node stored one first: theirs stands.
        Err(_) => get(db, key)
            .await?
            .ok_or_else(|| DbErr::Custom(format!("platform_meta {key} could not be stored"))),
    }
}

/// Stores `value` under `key`, replacing any value there.
pub async fn set(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<(), DbErr> {
    let row = platform_meta::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(crate::clock::now().fixed_offset()),
    };
    platform_meta::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(platform_meta::Column::Key)
                .update_columns([
                    platform_meta::Column::Value,
                    platform_meta::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Removes `key`, if it is there.
pub async fn remove(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    platform_meta::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
