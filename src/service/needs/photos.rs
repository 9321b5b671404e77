//! Photos of a need: added to its draft by its cadre, re-encoded on the way in (see
//! [`crate::media`]), served to whoever may see the need.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::json;

use super::{PhotoRef, facts, is_public, load_visible, lock_visible, refused, rules};
use crate::crypto::random_token;
use crate::domain::authz::Actor;
use crate::domain::need::{NeedAction, Who, decide};
use crate::error::{ApiError, ErrorCode};
use crate::media::{self, Photo, PhotoError};
use crate::startup::AppState;
use crate::store::audit::{self, Entry, Origin};
use crate::store::entity::{needs, photos, pledges};
use crate::store::outbox::{self, Message};

/// Photos a need may carry.
pub const MAX_PER_NEED: u64 = 9;

fn photo_error(e: PhotoError) -> ApiError {
    let code = match e {
        PhotoError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
        PhotoError::UnsupportedType => ErrorCode::UnsupportedMediaType,
        PhotoError::TooManyPixels { .. } | PhotoError::TooMuchMemory | PhotoError::Corrupt(_) => {
            ErrorCode::InvalidPhoto
        }
    };
    ApiError::new(code, e.to_string())
}

/// Decodes at once, each holding up to `media`'s pixel budget: the bound on the memory photos
/// take, however many arrive together.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Re-encodes an upload off the async threads.
pub async fn prepare(app: &AppState, bytes: Vec<u8>) -> Result<Photo, ApiError> {
    let max = app.settings.max_photo_bytes;
    let _permit = DECODING.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || media::reencode(&bytes, max))
        .await
        .map_err(ApiError::internal)?
        .map_err(photo_error)
}

/// What a photo belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Need(i64),
    /// A pledge's receipt.
    Pledge(i64),
}

/// Photos `owner` has.
pub async fn count(db: &impl ConnectionTrait, owner: Owner) -> Result<u64, ApiError> {
    let filter = match owner {
        Owner::Need(id) => photos::Column::NeedId.eq(id),
        Owner::Pledge(id) => photos::Column::PledgeId.eq(id),
    };
    Ok(photos::Entity::find().filter(filter).count(db).await?)
}

/// Refuses a photo beyond the allowance.
async fn check_room(db: &impl ConnectionTrait, owner: Owner) -> Result<(), ApiError> {
    if count(db, owner).await? >= MAX_PER_NEED {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("at most {MAX_PER_NEED} photos; remove one first"),
        ));
    }
    Ok(())
}

/// Records `photo` for `owner` in `txn` and writes its file under a fresh key. Call it last
/// before the commit (an abandoned request then leaves no file behind), and [`discard`] the
/// file if the commit fails.
pub async fn save(
    app: &AppState,
    txn: &impl ConnectionTrait,
    owner: Owner,
    photo: &Photo,
    uploaded_by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<photos::Model, ApiError> {
    check_room(txn, owner).await?;
    let (need_id, pledge_id) = match owner {
        Owner::Need(id) => (Some(id), None),
        Owner::Pledge(id) => (None, Some(id)),
    };
    let key = format!("photos/{}/{}.jpg", &photo.sha256[..2], random_token());
    let row = photos::ActiveModel {
        need_id: Set(need_id),
        pledge_id: Set(pledge_id),
        storage_key: Set(key.clone()),
        content_type: Set(Photo::CONTENT_TYPE.to_owned()),
        byte_size: Set(photo.jpeg.len() as i64),
        width: Set(photo.width as i32),
        height: Set(photo.height as i32),
        sha256: Set(photo.sha256.clone()),
        uploaded_by: Set(Some(uploaded_by)),
        created_at: Set(now.fixed_offset()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    app.files
        .put(&key, &photo.jpeg)
        .await
        .map_err(ApiError::internal)?;
    Ok(row)
}

/// Commits `txn` after [`save`]; if the commit fails, the file it wrote goes too.
pub async fn commit_saved(
    app: &AppState,
    txn: sea_orm::DatabaseTransaction,
    row: &photos::Model,
) -> Result<PhotoRef, ApiError> {
    if let Err(e) = txn.commit().await {
        if let Err(cleanup) = app.files.delete(&row.storage_key).await {
            tracing::warn!(error = %cleanup, "could not remove an unused photo file");
        }
        return Err(e.into());
    }
    Ok(PhotoRef::from(row))
}

/// Adds a photo to a draft need.
pub async fn add(
    app: &AppState,
    actor: &Actor,
    need_id: i64,
    bytes: Vec<u8>,
    origin: &Origin,
) -> Result<PhotoRef, ApiError> {
    let now = app.clock.now();
    let edit = |need: &needs::Model| -> Result<(), ApiError> {
        decide(
            &facts(need, 0)?,
            NeedAction::Edit,
            Who::User(actor),
            &rules(app),
            now,
        )
        .map(|_| ())
        .map_err(refused)
    };
    // Checked before the costly decode, and again in the transaction.
    edit(&load_visible(&app.db, Some(actor), need_id).await?)?;
    check_room(&app.db, Owner::Need(need_id)).await?;
    let photo = prepare(app, bytes).await?;

    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), need_id).await?;
    edit(&need)?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id }, now).await?;
    audit::record_at(
        &txn,
        origin,
        Entry {
            action: "need.photo_add",
            target_kind: "need",
            target_id: need_id.to_string(),
            region_code: Some(&need.village_code),
            detail: Some(json!({"sha256": photo.sha256})),
        },
        now,
    )
    .await?;
    let row = save(app, &txn, Owner::Need(need_id), &photo, actor.user_id, now).await?;
    commit_saved(app, txn, &row).await
}

/// Removes a photo from a draft need.
pub async fn remove(
    app: &AppState,
    actor: &Actor,
    need_id: i64,
    photo_id: i64,
    origin: &Origin,
) -> Result<(), ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), need_id).await?;
    decide(
        &facts(&need, 0)?,
        NeedAction::Edit,
        Who::User(actor),
        &rules(app),
        now,
    )
    .map_err(refused)?;
    let photo = photos::Entity::find_by_id(photo_id)
        .filter(photos::Column::NeedId.eq(need_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("photo"))?;
    let key = photo.storage_key.clone();
    photo.delete(&txn).await?;
    audit::record_at(
        &txn,
        origin,
        Entry {
            action: "need.photo_remove",
            target_kind: "need",
            target_id: need_id.to_string(),
            region_code: Some(&need.village_code),
            detail: Some(json!({"photo_id": photo_id})),
        },
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id }, now).await?;
    txn.commit().await?;
    if let Err(e) = app.files.delete(&key).await {
        tracing::warn!(error = %e, "could not remove a deleted photo's file");
    }
    Ok(())
}

/// A photo's bytes, for whoever may see the need it belongs to (through a receipt, for a
/// pledge's photo). `public` tells whether anyone may see it (so caches may keep it).
pub struct Served {
    pub jpeg: Vec<u8>,
    pub sha256: String,
    pub public: bool,
}

pub async fn serve(app: &AppState, who: Option<&Actor>, photo_id: i64) -> Result<Served, ApiError> {
    let photo = photos::Entity::find_by_id(photo_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ApiError::not_found("photo"))?;
    let need_id = match (photo.need_id, photo.pledge_id) {
        (Some(id), _) => id,
        (None, Some(pledge_id)) => {
            pledges::Entity::find_by_id(pledge_id)
                .one(&app.db)
                .await?
                .ok_or_else(|| ApiError::not_found("photo"))?
                .need_id
        }
        (None, None) => return Err(ApiError::not_found("photo")),
    };
    let need: needs::Model =
        load_visible(&app.db, who, need_id)
            .await
            .map_err(|e| match e.code {
                ErrorCode::NotFound => ApiError::not_found("photo"),
                _ => e,
            })?;
    let public = is_public(&need);
    let jpeg = app
        .files
        .get(&photo.storage_key)
        .await
        .map_err(ApiError::internal)?;
    Ok(Served {
        jpeg,
        sha256: photo.sha256,
        public,
    })
}
