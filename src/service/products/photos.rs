//! Photos of trade: a product's (added by its sellers, public with it) and what arrived for an
//! order (added by its buyer, seen by its two sides only). Re-encoded on the way in as a need's
//! are (`service::needs::photos::prepare`: no EXIF, no GPS), served through `/photos/{id}` to
//! whoever [`trade_photo_access`] lets see them.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::crypto::random_photo_id;
use crate::domain::authz::Actor;
use crate::domain::order::{OrderParties, OrderStatus, is_buyer};
use crate::domain::photo::{PhotoAccess, PhotoId, TradePhotoFacts, trade_photo_access};
use crate::domain::product::may_sell;
use crate::error::{ApiError, ErrorCode};
use crate::media::Photo;
use crate::service::Context;
use crate::service::needs::PhotoRef;
use crate::service::needs::photos::{Served, prepare};
use crate::store::audit::{self, Entry, Origin};
use crate::store::orders as order_store;
use crate::store::outbox::{self, Message};
use crate::store::products::{self as product_store, NewTradePhoto, TradeOwner, TradePhoto};

/// Photos a product may carry.
pub const MAX_PER_PRODUCT: u64 = 9;
/// Photos of what arrived, per order.
pub const MAX_PER_ORDER: u64 = 3;

/// Where a photo is served.
pub fn url(id: &PhotoId) -> String {
    format!("/api/v1/photos/{id}")
}

fn reference(photo: &TradePhoto, stored: &Photo, public: bool) -> PhotoRef {
    PhotoRef {
        id: photo.public_id.to_string(),
        url: url(&photo.public_id),
        width: stored.width as i32,
        height: stored.height as i32,
        public,
    }
}

async fn check_room(db: &impl ConnectionTrait, owner: TradeOwner) -> Result<(), ApiError> {
    let max = match owner {
        TradeOwner::Product(_) => MAX_PER_PRODUCT,
        TradeOwner::Order(_) => MAX_PER_ORDER,
    };
    if product_store::count_photos(db, owner).await? >= max {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("at most {max} photos; remove one first"),
        ));
    }
    Ok(())
}

/// Records `photo` for `owner`, writes its file and commits; if the commit fails, the file
/// goes too.
async fn save_and_commit(
    app: &Context,
    txn: sea_orm::DatabaseTransaction,
    owner: TradeOwner,
    photo: &Photo,
    uploaded_by: i64,
    now: DateTime<Utc>,
) -> Result<TradePhoto, ApiError> {
    check_room(&txn, owner).await?;
    let public_id = random_photo_id();
    let key = format!(
        "photos/{}/{}.jpg",
        &photo.sha256[..2],
        crate::crypto::random_token()
    );
    let row = product_store::insert_photo(
        &txn,
        NewTradePhoto {
            public_id: &public_id,
            owner,
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
    if let Err(e) = txn.commit().await {
        if let Err(cleanup) = app.files.delete(&key).await {
            tracing::warn!(error = %cleanup, "could not remove an unused photo file");
        }
        return Err(e.into());
    }
    Ok(row)
}

fn audit_entry<'a>(action: &'a str, kind: &'a str, id: i64, region: &'a str) -> Entry<'a> {
    Entry {
        action,
        target_kind: kind,
        target_id: id.to_string(),
        region_code: Some(region),
        detail: None,
    }
}

/// Adds a photo to a product (its sellers).
pub async fn add_to_product(
    app: &Context,
    actor: &Actor,
    product_id: i64,
    bytes: Vec<u8>,
    origin: &Origin,
) -> Result<PhotoRef, ApiError> {
    let now = app.clock.now();
    let product = super::load_visible(&app.db, Some(actor), product_id).await?;
    if !may_sell(actor, product.seller_id, &product.village) {
        return Err(ApiError::forbidden());
    }
    check_room(&app.db, TradeOwner::Product(product_id)).await?;
    let photo = prepare(app, bytes).await?;
    let txn = crate::store::begin_write(&app.db).await?;
    let mut entry = audit_entry(
        "product.photo_add",
        "product",
        product_id,
        product.village.as_str(),
    );
    entry.detail = Some(json!({"sha256": photo.sha256}));
    audit::record_at(&txn, origin, entry, now).await?;
    outbox::enqueue(&txn, &Message::SearchSyncProduct { product_id }, now).await?;
    let row = save_and_commit(
        app,
        txn,
        TradeOwner::Product(product_id),
        &photo,
        actor.user_id,
        now,
    )
    .await?;
    Ok(reference(&row, &photo, product.status.is_public()))
}

/// Removes a product's photo (its sellers).
pub async fn remove_from_product(
    app: &Context,
    actor: &Actor,
    product_id: i64,
    photo_id: &str,
    origin: &Origin,
) -> Result<(), ApiError> {
    let now = app.clock.now();
    let product = super::load_visible(&app.db, Some(actor), product_id).await?;
    if !may_sell(actor, product.seller_id, &product.village) {
        return Err(ApiError::forbidden());
    }
    let id = PhotoId::parse(photo_id).ok_or_else(|| ApiError::not_found("photo"))?;
    let photo = product_store::find_photo(&app.db, &id)
        .await?
        .filter(|p| p.owner == TradeOwner::Product(product_id))
        .ok_or_else(|| ApiError::not_found("photo"))?;
    let txn = crate::store::begin_write(&app.db).await?;
    product_store::delete_photo(&txn, &id).await?;
    audit::record_at(
        &txn,
        origin,
        audit_entry(
            "product.photo_remove",
            "product",
            product_id,
            product.village.as_str(),
        ),
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncProduct { product_id }, now).await?;
    txn.commit().await?;
    if let Err(e) = app.files.delete(&photo.storage_key).await {
        tracing::warn!(error = %e, "could not remove a deleted photo's file");
    }
    Ok(())
}

/// Adds a photo of what arrived to an order (its buyer, once it shipped).
pub async fn add_to_order(
    app: &Context,
    actor: &Actor,
    order_id: i64,
    bytes: Vec<u8>,
    origin: &Origin,
) -> Result<PhotoRef, ApiError> {
    let now = app.clock.now();
    let order = crate::service::orders::load_readable(&app.db, actor, order_id).await?;
    let parties = OrderParties {
        buyer_user_id: order.buyer_user_id,
        buyer_org_id: order.buyer_org_id,
        seller_id: order.seller_id,
        village: &order.village,
    };
    if !is_buyer(actor, &parties) {
        return Err(ApiError::forbidden());
    }
    if !matches!(
        order.status,
        OrderStatus::Shipped | OrderStatus::Received | OrderStatus::Settled
    ) {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!(
                "an order that is {} has nothing that arrived yet",
                order.status
            ),
        ));
    }
    check_room(&app.db, TradeOwner::Order(order_id)).await?;
    let photo = prepare(app, bytes).await?;
    let txn = crate::store::begin_write(&app.db).await?;
    let mut entry = audit_entry("order.photo_add", "order", order_id, order.village.as_str());
    entry.detail = Some(json!({"sha256": photo.sha256}));
    audit::record_at(&txn, origin, entry, now).await?;
    let row = save_and_commit(
        app,
        txn,
        TradeOwner::Order(order_id),
        &photo,
        actor.user_id,
        now,
    )
    .await?;
    Ok(reference(&row, &photo, false))
}

/// The trade photo `id` for `who`, if there is one; `Ok(None)` when no trade photo has that id
/// (it may be a need's). A photo they may not see is "not found", as if absent.
pub async fn serve(
    app: &Context,
    who: Option<&Actor>,
    id: &PhotoId,
) -> Result<Option<Served>, ApiError> {
    let not_found = || ApiError::not_found("photo");
    let Some(photo) = product_store::find_photo(&app.db, id).await? else {
        return Ok(None);
    };
    let access = match photo.owner {
        TradeOwner::Product(product_id) => {
            let product = product_store::find(&app.db, product_id)
                .await?
                .ok_or_else(not_found)?;
            trade_photo_access(
                who,
                &TradePhotoFacts::Product {
                    seller_id: product.seller_id,
                    village: &product.village,
                    product_public: product.status.is_public(),
                },
            )
        }
        TradeOwner::Order(order_id) => {
            let order = order_store::find(&app.db, order_id)
                .await?
                .ok_or_else(not_found)?;
            let parties = OrderParties {
                buyer_user_id: order.buyer_user_id,
                buyer_org_id: order.buyer_org_id,
                seller_id: order.seller_id,
                village: &order.village,
            };
            trade_photo_access(who, &TradePhotoFacts::Order(parties))
        }
    };
    let public = match access {
        PhotoAccess::Public => true,
        PhotoAccess::Private => false,
        PhotoAccess::Hidden => return Err(not_found()),
    };
    let jpeg = app
        .files
        .get(&photo.storage_key)
        .await
        .map_err(ApiError::internal)?;
    Ok(Some(Served {
        jpeg,
        sha256: photo.sha256,
        public,
    }))
}
