//! Photos' rows: what each shows and where its file is. The bytes live in [`super::files`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use super::entity::{photos, pledges};
use crate::domain::authz::PledgeParties;
use crate::domain::photo::PhotoId;

/// What a photo belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Need(i64),
    /// A pledge's receipt.
    Pledge(i64),
}

/// A photo's row, read once.
#[derive(Debug, Clone)]
pub struct StoredPhoto {
    /// The row's own key, never shown: the API names a photo by [`StoredPhoto::public_id`].
    pub row_id: i64,
    pub public_id: PhotoId,
    pub owner: Owner,
    /// For a need's photo, whether its cadre chose to show it to the public.
    pub published: bool,
    pub storage_key: String,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
}

/// A photo to record.
pub struct NewPhoto<'a> {
    pub public_id: &'a PhotoId,
    pub owner: Owner,
    pub published: bool,
    pub storage_key: &'a str,
    pub content_type: &'a str,
    pub byte_size: usize,
    pub width: u32,
    pub height: u32,
    pub sha256: &'a str,
    pub uploaded_by: i64,
    pub at: DateTime<Utc>,
}

fn read(row: photos::Model) -> Result<StoredPhoto, DbErr> {
    let owner = match (row.need_id, row.pledge_id) {
        (Some(id), None) => Owner::Need(id),
        (None, Some(id)) => Owner::Pledge(id),
        _ => {
            return Err(DbErr::Custom(format!(
                "photo {} belongs to no need or pledge, or to both",
                row.id
            )));
        }
    };
    let public_id = PhotoId::parse(&row.public_id)
        .ok_or_else(|| DbErr::Custom(format!("photo {} has a malformed public id", row.id)))?;
    Ok(StoredPhoto {
        row_id: row.id,
        public_id,
        owner,
        published: row.published,
        storage_key: row.storage_key,
        width: row.width,
        height: row.height,
        sha256: row.sha256,
    })
}

fn belongs_to(owner: Owner) -> sea_orm::Condition {
    let filter = match owner {
        Owner::Need(id) => photos::Column::NeedId.eq(id),
        Owner::Pledge(id) => photos::Column::PledgeId.eq(id),
    };
    sea_orm::Condition::all().add(filter)
}

pub async fn insert(db: &impl ConnectionTrait, new: NewPhoto<'_>) -> Result<StoredPhoto, DbErr> {
    let (need_id, pledge_id) = match new.owner {
        Owner::Need(id) => (Some(id), None),
        Owner::Pledge(id) => (None, Some(id)),
    };
    let row = photos::ActiveModel {
        public_id: Set(new.public_id.as_str().to_owned()),
        need_id: Set(need_id),
        pledge_id: Set(pledge_id),
        published: Set(new.published && matches!(new.owner, Owner::Need(_))),
        storage_key: Set(new.storage_key.to_owned()),
        content_type: Set(new.content_type.to_owned()),
        byte_size: Set(new.byte_size as i64),
        width: Set(new.width as i32),
        height: Set(new.height as i32),
        sha256: Set(new.sha256.to_owned()),
        uploaded_by: Set(Some(new.uploaded_by)),
        created_at: Set(new.at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    read(row)
}

/// Photos `owner` has.
pub async fn count(db: &impl ConnectionTrait, owner: Owner) -> Result<u64, DbErr> {
    photos::Entity::find()
        .filter(belongs_to(owner))
        .count(db)
        .await
}

/// The photo with this public id.
pub async fn find(db: &impl ConnectionTrait, id: &PhotoId) -> Result<Option<StoredPhoto>, DbErr> {
    photos::Entity::find()
        .filter(photos::Column::PublicId.eq(id.as_str()))
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// `owner`'s photo with this public id.
pub async fn find_of(
    db: &impl ConnectionTrait,
    owner: Owner,
    id: &PhotoId,
) -> Result<Option<StoredPhoto>, DbErr> {
    Ok(find(db, id).await?.filter(|photo| photo.owner == owner))
}

/// `owner`'s photos, oldest first.
pub async fn of(db: &impl ConnectionTrait, owner: Owner) -> Result<Vec<StoredPhoto>, DbErr> {
    photos::Entity::find()
        .filter(belongs_to(owner))
        .order_by_asc(photos::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect()
}

/// The receipt photos of these pledges, oldest first, by pledge.
pub async fn of_pledges(
    db: &impl ConnectionTrait,
    pledge_ids: &[i64],
) -> Result<HashMap<i64, Vec<StoredPhoto>>, DbErr> {
    let mut by_pledge: HashMap<i64, Vec<StoredPhoto>> = HashMap::new();
    for row in photos::Entity::find()
        .filter(photos::Column::PledgeId.is_in(pledge_ids.iter().copied()))
        .order_by_asc(photos::Column::Id)
        .all(db)
        .await?
    {
        let photo = read(row)?;
        if let Owner::Pledge(pledge_id) = photo.owner {
            by_pledge.entry(pledge_id).or_default().push(photo);
        }
    }
    Ok(by_pledge)
}

/// Shows a need's photo to the public, or takes it back.
pub async fn set_published(
    db: &impl ConnectionTrait,
    photo: &StoredPhoto,
    published: bool,
) -> Result<(), DbErr> {
    photos::Entity::update_many()
        .col_expr(photos::Column::Published, Expr::value(published))
        .filter(photos::Column::Id.eq(photo.row_id))
        .filter(photos::Column::NeedId.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, photo: &StoredPhoto) -> Result<(), DbErr> {
    photos::Entity::delete_by_id(photo.row_id).exec(db).await?;
    Ok(())
}

/// Whose a receipt photo is: the need of the pledge `pledge_id` and the pledge's parties, who
/// (with the need's staff) may see it. `None` when there is no such pledge.
pub async fn receipt_parties(
    db: &impl ConnectionTrait,
    pledge_id: i64,
) -> Result<Option<(i64, PledgeParties)>, DbErr> {
    Ok(pledges::Entity::find_by_id(pledge_id)
        .one(db)
        .await?
        .map(|pledge| {
            (
                pledge.need_id,
                PledgeParties {
                    donor_user_id: pledge.donor_user_id,
                    organisation_id: pledge.organisation_id,
                },
            )
        }))
}
