//! Photos of needs and of receipts: added by a need's cadre (re-encoded on the way in, see
//! [`crate::media`]), published to the public only by the cadre's choice, and served to whoever
//! [`photo_access`] lets see them.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{PhotoRef, facts, is_draft, load_visible, lock_visible, refused, rules};
use crate::crypto::random_photo_id;
use crate::domain::authz::{Actor, sees_need_as_staff};
use crate::domain::need::{NeedAction, Who, decide};
use crate::domain::photo::{PhotoAccess, PhotoFacts, PhotoId, PhotoKind, photo_access};
use crate::domain::projection::NeedRecord;
use crate::error::{ApiError, ErrorCode};
use crate::media::{self, Photo, PhotoError};
use crate::service::Context;
use crate::store::audit::{self, Entry, Origin};
use crate::store::needs as need_store;
use crate::store::outbox::{self, Message};
pub use crate::store::photos::Owner;
use crate::store::photos::{self as photo_store, NewPhoto, StoredPhoto};
use sea_orm::ConnectionTrait;

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
pub async fn prepare(app: &Context, bytes: Vec<u8>) -> Result<Photo, ApiError> {
    let max = app.settings.server.max_photo_bytes;
    let _permit = DECODING.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || media::reencode(&bytes, max))
        .await
        .map_err(ApiError::internal)?
        .map_err(photo_error)
}

/// Photos `owner` has.
pub async fn count(db: &impl ConnectionTrait, owner: Owner) -> Result<u64, ApiError> {
    Ok(photo_store::count(db, owner).await?)
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
/// before the commit (an abandoned request then leaves no file behind), and [`commit_saved`]
/// (which removes the file again if the commit fails). `published` counts for a need's photo only: a receipt's never is.
pub async fn save(
    app: &Context,
    txn: &impl ConnectionTrait,
    owner: Owner,
    photo: &Photo,
    published: bool,
    uploaded_by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<StoredPhoto, ApiError> {
    check_room(txn, owner).await?;
    let public_id = random_photo_id();
    let key = format!(
        "photos/{}/{}.jpg",
        &photo.sha256[..2],
        crate::crypto::random_token()
    );
    let row = photo_store::insert(
        txn,
        NewPhoto {
            public_id: &public_id,
            owner,
            published,
            storage_key: &key,
            content_type: Photo::CONTENT_TYPE,
            byte_size: photo.jpeg.len(),
            width: photo.width,
            height: photo.height,
            sha256: &photo.sha256,
            uploaded_by,
            at: now,
        },
    )
    .await?;
    app.files
        .put(&key, &photo.jpeg)
        .await
        .map_err(ApiError::file)?;
    Ok(row)
}

/// Commits `txn` after [`save`]; if the commit fails, the file it wrote goes too.
pub async fn commit_saved(
    app: &Context,
    txn: sea_orm::DatabaseTransaction,
    row: &StoredPhoto,
) -> Result<PhotoRef, ApiError> {
    if let Err(e) = txn.commit().await {
        if let Err(cleanup) = app.files.delete(&row.storage_key).await {
            tracing::warn!(error = %cleanup, "could not remove an unused photo file");
        }
        return Err(e.into());
    }
    Ok(PhotoRef::from(row))
}

/// Whether a need's photo is shown to the public.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Publication {
    /// `true` shows the photo to everyone once the need is public (only while the need is a
    /// draft: what the public sees was verified); `false` keeps it to the need's cadres and
    /// verifiers (at any time).
    pub public: bool,
}

/// The cadre's edit of a draft, decided as every edit is.
fn may_edit(
    app: &Context,
    actor: &Actor,
    need: &NeedRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    decide(
        &facts(need, 0),
        NeedAction::Edit,
        Who::User(actor),
        &rules(app),
        now,
    )
    .map(|_| ())
    .map_err(refused)
}

/// Adds a photo to a draft need; `published` shows it to the public once the need is.
pub async fn add(
    app: &Context,
    actor: &Actor,
    need_id: i64,
    bytes: Vec<u8>,
    published: bool,
    origin: &Origin,
) -> Result<PhotoRef, ApiError> {
    let now = app.clock.now();
    // Checked before the costly decode, and again in the transaction.
    may_edit(
        app,
        actor,
        &load_visible(&app.db, Some(actor), need_id).await?,
        now,
    )?;
    check_room(&app.db, Owner::Need(need_id)).await?;
    let photo = prepare(app, bytes).await?;

    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), need_id).await?;
    may_edit(app, actor, &need, now)?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id }, now).await?;
    audit::record_at(
        &txn,
        origin,
        Entry {
            action: "need.photo_add",
            target_kind: "need",
            target_id: need_id.to_string(),
            region_code: Some(need.village.as_str()),
            detail: Some(json!({"sha256": photo.sha256, "public": published})),
        },
        now,
    )
    .await?;
    let row = save(
        app,
        &txn,
        Owner::Need(need_id),
        &photo,
        published,
        actor.user_id,
        now,
    )
    .await?;
    commit_saved(app, txn, &row).await
}

/// The need's photo `photo_id`, or 404.
async fn photo_of(
    db: &impl ConnectionTrait,
    need_id: i64,
    photo_id: &str,
) -> Result<StoredPhoto, ApiError> {
    let id = PhotoId::parse(photo_id).ok_or_else(|| ApiError::not_found("photo"))?;
    photo_store::find_of(db, Owner::Need(need_id), &id)
        .await?
        .ok_or_else(|| ApiError::not_found("photo"))
}

/// Shows a need's photo to the public (its cadres, while it is a draft) or takes it back from
/// them (its cadres and verifiers, at any time).
pub async fn publish(
    app: &Context,
    actor: &Actor,
    need_id: i64,
    photo_id: &str,
    public: bool,
    origin: &Origin,
) -> Result<PhotoRef, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), need_id).await?;
    if public {
        may_edit(app, actor, &need, now)?;
    } else if !sees_need_as_staff(actor, &need.village, is_draft(&need)) {
        return Err(ApiError::forbidden());
    }
    let mut photo = photo_of(&txn, need_id, photo_id).await?;
    if photo.published != public {
        photo_store::set_published(&txn, &photo, public).await?;
        photo.published = public;
        audit::record_at(
            &txn,
            origin,
            Entry {
                action: if public {
                    "need.photo_publish"
                } else {
                    "need.photo_unpublish"
                },
                target_kind: "need",
                target_id: need_id.to_string(),
                region_code: Some(need.village.as_str()),
                detail: Some(json!({"photo_id": photo.public_id.as_str()})),
            },
            now,
        )
        .await?;
        outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id }, now).await?;
    }
    txn.commit().await?;
    Ok(PhotoRef::from(&photo))
}

/// Removes a photo from a draft need.
pub async fn remove(
    app: &Context,
    actor: &Actor,
    need_id: i64,
    photo_id: &str,
    origin: &Origin,
) -> Result<(), ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let need = lock_visible(&txn, Some(actor), need_id).await?;
    may_edit(app, actor, &need, now)?;
    let photo = photo_of(&txn, need_id, photo_id).await?;
    photo_store::delete(&txn, &photo).await?;
    audit::record_at(
        &txn,
        origin,
        Entry {
            action: "need.photo_remove",
            target_kind: "need",
            target_id: need_id.to_string(),
            region_code: Some(need.village.as_str()),
            detail: Some(json!({"photo_id": photo.public_id.as_str()})),
        },
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncNeed { need_id }, now).await?;
    txn.commit().await?;
    if let Err(e) = app.files.delete(&photo.storage_key).await {
        tracing::warn!(error = %e, "could not remove a deleted photo's file");
    }
    Ok(())
}

/// A photo's bytes, for a caller [`photo_access`] lets see it.
pub struct Served {
    pub jpeg: Vec<u8>,
    pub sha256: String,
    /// Whether anyone may see it (so shared caches may keep it); otherwise it is served
    /// `private, no-store`.
    pub public: bool,
}

/// The photo `photo_id` for `who`; a photo they may not see is "not found", as if absent.
pub async fn serve(app: &Context, who: Option<&Actor>, photo_id: &str) -> Result<Served, ApiError> {
    let not_found = || ApiError::not_found("photo");
    let id = PhotoId::parse(photo_id).ok_or_else(not_found)?;
    let Some(photo) = photo_store::find(&app.db, &id).await? else {
        // A product's photo, or an order's.
        return crate::service::products::photos::serve(app, who, &id)
            .await?
            .ok_or_else(not_found);
    };
    let (need_id, kind) = match photo.owner {
        Owner::Need(need_id) => (
            need_id,
            PhotoKind::Need {
                published: photo.published,
            },
        ),
        Owner::Pledge(pledge_id) => {
            let (need_id, parties) = photo_store::receipt_parties(&app.db, pledge_id)
                .await?
                .ok_or_else(not_found)?;
            (need_id, PhotoKind::Receipt(parties))
        }
    };
    let need = need_store::find(&app.db, need_id)
        .await?
        .ok_or_else(not_found)?;
    let facts = PhotoFacts {
        kind,
        village: &need.village,
        need_public: need.is_public(),
        need_draft: is_draft(&need),
    };
    let public = match photo_access(who, &facts) {
        PhotoAccess::Public => true,
        PhotoAccess::Private => false,
        PhotoAccess::Hidden => return Err(not_found()),
    };
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
