//! Products' rows (扶贫产品), read once into [`ProductRecord`]s; their timeline and photos. A
//! product's stock moves only through [`take_stock`] and [`return_stock`], guarded updates that
//! keep it at zero or above whatever the interleaving, as `store::offers::take` does for offers.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};

use super::entity::{product_events, products, trade_photos};
use crate::domain::photo::PhotoId;
use crate::domain::product::{
    Certification, ProductCategory, ProductEventKind, ProductRecord, ProductStatus, SaleUnit,
    Supply,
};
use crate::domain::region::RegionCode;

fn read(row: products::Model) -> Result<ProductRecord, DbErr> {
    let village = RegionCode::parse(&row.village_code).map_err(|_| {
        DbErr::Type(format!(
            "product {}: village code `{}` in the database",
            row.id, row.village_code
        ))
    })?;
    let certification = match (row.certificate_no, row.certified_at, row.certified_until) {
        (Some(certificate_no), Some(at), Some(until)) => Some(Certification {
            certificate_no,
            certified_at: at.to_utc(),
            certified_until: until,
        }),
        _ => None,
    };
    Ok(ProductRecord {
        id: row.id,
        seller_id: row.seller_id,
        village,
        category: row.category,
        name: row.name,
        description: row.description,
        unit: row.unit,
        unit_price_fen: row.unit_price_fen,
        supply: Supply {
            stock: row.stock,
            season: row.season_from.zip(row.season_to),
        },
        min_order: row.min_order,
        households_supported: i64::from(row.households_supported),
        status: row.status,
        certification,
        created_by: row.created_by,
        listed_at: row.listed_at.map(|t| t.to_utc()),
        created_at: row.created_at.to_utc(),
        updated_at: row.updated_at.to_utc(),
    })
}

fn read_all(rows: Vec<products::Model>) -> Result<Vec<ProductRecord>, DbErr> {
    rows.into_iter().map(read).collect()
}

/// What a seller writes of a product.
pub struct ProductContent<'a> {
    pub category: ProductCategory,
    pub name: &'a str,
    pub description: &'a str,
    pub unit: SaleUnit,
    pub unit_price_fen: i64,
    pub supply: Supply,
    pub min_order: i64,
    pub households_supported: i32,
}

/// A product to record, as a draft.
pub struct NewProductRow<'a> {
    pub seller_id: i64,
    pub village: &'a RegionCode,
    pub content: ProductContent<'a>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewProductRow<'_>,
) -> Result<ProductRecord, DbErr> {
    let at = new.at.fixed_offset();
    let c = &new.content;
    let row = products::ActiveModel {
        seller_id: Set(new.seller_id),
        village_code: Set(new.village.as_str().to_owned()),
        category: Set(c.category),
        name: Set(c.name.to_owned()),
        description: Set(c.description.to_owned()),
        unit: Set(c.unit),
        unit_price_fen: Set(c.unit_price_fen),
        stock: Set(c.supply.stock),
        season_from: Set(c.supply.season.map(|(from, _)| from)),
        season_to: Set(c.supply.season.map(|(_, to)| to)),
        min_order: Set(c.min_order),
        households_supported: Set(c.households_supported),
        status: Set(ProductStatus::Draft),
        certificate_no: Set(None),
        certified_by: Set(None),
        certified_at: Set(None),
        certified_until: Set(None),
        created_by: Set(new.created_by),
        listed_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    read(row)
}

/// Replaces what the seller wrote (the stock too: a restock sets it).
pub async fn update_content(
    db: &impl ConnectionTrait,
    id: i64,
    c: &ProductContent<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    products::ActiveModel {
        id: Unchanged(id),
        category: Set(c.category),
        name: Set(c.name.to_owned()),
        description: Set(c.description.to_owned()),
        unit: Set(c.unit),
        unit_price_fen: Set(c.unit_price_fen),
        stock: Set(c.supply.stock),
        season_from: Set(c.supply.season.map(|(from, _)| from)),
        season_to: Set(c.supply.season.map(|(_, to)| to)),
        min_order: Set(c.min_order),
        households_supported: Set(c.households_supported),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Moves the product to `to`, stamping its first listing.
pub async fn update_status(
    db: &impl ConnectionTrait,
    product: &ProductRecord,
    to: ProductStatus,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = products::ActiveModel {
        id: Unchanged(product.id),
        status: Set(to),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    };
    if to == ProductStatus::Listed && product.listed_at.is_none() {
        row.listed_at = Set(Some(at.fixed_offset()));
    }
    row.update(db).await?;
    Ok(())
}

/// Records (or, with `None`, revokes) the product's certification.
pub async fn set_certification(
    db: &impl ConnectionTrait,
    id: i64,
    certification: Option<&Certification>,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    products::ActiveModel {
        id: Unchanged(id),
        certificate_no: Set(certification.map(|c| c.certificate_no.clone())),
        certified_at: Set(certification.map(|c| c.certified_at.fixed_offset())),
        certified_until: Set(certification.map(|c| c.certified_until)),
        certified_by: Set(certification.map(|_| by)),
        updated_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<ProductRecord>, DbErr> {
    products::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(read)
        .transpose()
}

/// The product, its row locked until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database).
pub async fn lock(txn: &impl ConnectionTrait, id: i64) -> Result<Option<ProductRecord>, DbErr> {
    let mut query = products::Entity::find_by_id(id);
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock(LockType::Update);
    }
    query.one(txn).await?.map(read).transpose()
}

pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<ProductRecord>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = products::Entity::find()
            .filter(products::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        out.extend(read_all(rows)?);
    }
    Ok(out)
}

/// Which products [`list_page`] returns.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub statuses: Vec<ProductStatus>,
    pub seller_id: Option<i64>,
    /// Products of these villages (or of the regions holding them: a prefix of the code).
    pub within: Vec<RegionCode>,
    /// Products sold by any of these parties (naming none, no product); `None`, anyone's.
    pub sold_by: Option<Sellers>,
}

/// Who sells a product: its cooperative, or the cadres of its village (of a region holding it).
#[derive(Debug, Clone, Default)]
pub struct Sellers {
    pub cooperatives: Vec<i64>,
    pub villages_within: Vec<RegionCode>,
}

/// One page of the products as filtered, newest first, and how many there are.
pub async fn list_page(
    db: &impl ConnectionTrait,
    filter: &ProductFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ProductRecord>, u64), DbErr> {
    let mut query = products::Entity::find();
    if !filter.statuses.is_empty() {
        query = query.filter(products::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(seller) = filter.seller_id {
        query = query.filter(products::Column::SellerId.eq(seller));
    }
    if !filter.within.is_empty() {
        query = query.filter(within_any(&filter.within));
    }
    if let Some(sellers) = &filter.sold_by {
        if sellers.cooperatives.is_empty() && sellers.villages_within.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut any = Condition::any();
        if !sellers.cooperatives.is_empty() {
            any = any.add(products::Column::SellerId.is_in(sellers.cooperatives.clone()));
        }
        if !sellers.villages_within.is_empty() {
            any = any.add(within_any(&sellers.villages_within));
        }
        query = query.filter(any);
    }
    let query = query.order_by_desc(products::Column::Id);
    let (rows, total) = super::page_of(db, query, page, per_page).await?;
    Ok((read_all(rows)?, total))
}

/// Products of villages in any of `regions` (a prefix of the village's code).
fn within_any(regions: &[RegionCode]) -> Condition {
    regions.iter().fold(Condition::any(), |any, region| {
        any.add(products::Column::VillageCode.starts_with(region.as_str()))
    })
}

/// Ids of the products after `after`, in id order, at most `limit` (for a reindex).
pub async fn ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::Id.gt(after))
        .order_by_asc(products::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Listed products whose public facts turn with the date between the day after `since` and
/// `today` (both Beijing days): a certification whose last day was from `since` to the day
/// before `today` (no longer certified), a season that began after `since` up to `today` (now
/// available) or ended from `since` to the day before `today` (no longer available). At most
/// `limit`, in id order.
pub async fn date_turned(
    db: &impl ConnectionTrait,
    since: chrono::NaiveDate,
    today: chrono::NaiveDate,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::Status.eq(ProductStatus::Listed))
        .filter(
            Condition::any()
                .add(
                    products::Column::CertifiedUntil
                        .gte(since)
                        .and(products::Column::CertifiedUntil.lt(today)),
                )
                .add(
                    products::Column::SeasonFrom
                        .gt(since)
                        .and(products::Column::SeasonFrom.lte(today)),
                )
                .add(
                    products::Column::SeasonTo
                        .gte(since)
                        .and(products::Column::SeasonTo.lt(today)),
                ),
        )
        .order_by_asc(products::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Takes `quantity` from the product's stock if, and only if, it is listed and has that much:
/// checked by the database in the statement that takes it. A product sold by season (no stock)
/// is taken from as long as it is listed. Returns the stock left (`Some(None)` for no stock),
/// or `None` when it did not apply.
pub async fn take_stock(
    txn: &impl ConnectionTrait,
    id: i64,
    quantity: i64,
    at: DateTime<Utc>,
) -> Result<Option<Option<i64>>, DbErr> {
    let statement = products::Entity::update_many()
        .col_expr(
            products::Column::Stock,
            Expr::col(products::Column::Stock).sub(quantity),
        )
        .col_expr(products::Column::UpdatedAt, Expr::value(at.fixed_offset()))
        .filter(products::Column::Id.eq(id))
        .filter(products::Column::Status.eq(ProductStatus::Listed))
        .filter(
            Condition::any()
                .add(products::Column::Stock.is_null())
                .add(products::Column::Stock.gte(quantity)),
        )
        .into_query()
        .returning(Query::returning().column(products::Column::Stock))
        .to_owned();
    match txn.query_one(&statement).await? {
        Some(row) => Ok(Some(row.try_get("", "stock")?)),
        None => Ok(None),
    }
}

/// Gives `quantity` back to the product's stock (nothing, for one sold by season).
pub async fn return_stock(
    txn: &impl ConnectionTrait,
    id: i64,
    quantity: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    products::Entity::update_many()
        .col_expr(
            products::Column::Stock,
            Expr::col(products::Column::Stock).add(quantity),
        )
        .col_expr(products::Column::UpdatedAt, Expr::value(at.fixed_offset()))
        .filter(products::Column::Id.eq(id))
        .filter(products::Column::Stock.is_not_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// An entry on a product's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductEvent {
    pub id: i64,
    pub kind: ProductEventKind,
    pub actor_user_id: Option<i64>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn record_event(
    db: &impl ConnectionTrait,
    product_id: i64,
    kind: ProductEventKind,
    actor_user_id: Option<i64>,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    product_events::ActiveModel {
        product_id: Set(product_id),
        kind: Set(kind),
        actor_user_id: Set(actor_user_id),
        note: Set(note.map(str::to_owned)),
        created_at: Set(at.fixed_offset()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A product's timeline, oldest first.
pub async fn timeline(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Vec<ProductEvent>, DbErr> {
    Ok(product_events::Entity::find()
        .filter(product_events::Column::ProductId.eq(product_id))
        .order_by_asc(product_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| ProductEvent {
            id: e.id,
            kind: e.kind,
            actor_user_id: e.actor_user_id,
            note: e.note,
            at: e.created_at.to_utc(),
        })
        .collect())
}

/// What a trade photo belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeOwner {
    Product(i64),
    /// What arrived for an order.
    Order(i64),
}

/// A trade photo's row.
#[derive(Debug, Clone)]
pub struct TradePhoto {
    pub public_id: PhotoId,
    pub owner: TradeOwner,
    pub storage_key: String,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
}

/// A trade photo to record.
pub struct NewTradePhoto<'a> {
    pub public_id: &'a PhotoId,
    pub owner: TradeOwner,
    pub storage_key: &'a str,
    pub content_type: &'a str,
    pub byte_size: usize,
    pub width: u32,
    pub height: u32,
    pub sha256: &'a str,
    pub uploaded_by: i64,
    pub at: DateTime<Utc>,
}

fn read_photo(row: trade_photos::Model) -> Result<TradePhoto, DbErr> {
    let owner = match (row.product_id, row.order_id) {
        (Some(id), None) => TradeOwner::Product(id),
        (None, Some(id)) => TradeOwner::Order(id),
        _ => {
            return Err(DbErr::Custom(format!(
                "trade photo {} belongs to no product or order, or to both",
                row.id
            )));
        }
    };
    let public_id = PhotoId::parse(&row.public_id)
        .ok_or_else(|| DbErr::Custom(format!("trade photo {} has a malformed id", row.id)))?;
    Ok(TradePhoto {
        public_id,
        owner,
        storage_key: row.storage_key,
        width: row.width,
        height: row.height,
        sha256: row.sha256,
    })
}

fn owned_by(owner: TradeOwner) -> Condition {
    Condition::all().add(match owner {
        TradeOwner::Product(id) => trade_photos::Column::ProductId.eq(id),
        TradeOwner::Order(id) => trade_photos::Column::OrderId.eq(id),
    })
}

pub async fn insert_photo(
    db: &impl ConnectionTrait,
    new: NewTradePhoto<'_>,
) -> Result<TradePhoto, DbErr> {
    let (product_id, order_id) = match new.owner {
        TradeOwner::Product(id) => (Some(id), None),
        TradeOwner::Order(id) => (None, Some(id)),
    };
    let row = trade_photos::ActiveModel {
        public_id: Set(new.public_id.as_str().to_owned()),
        product_id: Set(product_id),
        order_id: Set(order_id),
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
    read_photo(row)
}

pub async fn count_photos(db: &impl ConnectionTrait, owner: TradeOwner) -> Result<u64, DbErr> {
    trade_photos::Entity::find()
        .filter(owned_by(owner))
        .count(db)
        .await
}

/// `owner`'s photos, in the order they were added.
pub async fn photos_of(
    db: &impl ConnectionTrait,
    owner: TradeOwner,
) -> Result<Vec<TradePhoto>, DbErr> {
    trade_photos::Entity::find()
        .filter(owned_by(owner))
        .order_by_asc(trade_photos::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(read_photo)
        .collect()
}

/// The photos of each of these products, in the order they were added, by product.
pub async fn photos_of_products(
    db: &impl ConnectionTrait,
    product_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<TradePhoto>>, DbErr> {
    let mut out: std::collections::HashMap<i64, Vec<TradePhoto>> = Default::default();
    for chunk in product_ids.chunks(1000) {
        let rows = trade_photos::Entity::find()
            .filter(trade_photos::Column::ProductId.is_in(chunk.to_vec()))
            .order_by_asc(trade_photos::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            let photo = read_photo(row)?;
            if let TradeOwner::Product(id) = photo.owner {
                out.entry(id).or_default().push(photo);
            }
        }
    }
    Ok(out)
}

pub async fn find_photo(
    db: &impl ConnectionTrait,
    id: &PhotoId,
) -> Result<Option<TradePhoto>, DbErr> {
    trade_photos::Entity::find()
        .filter(trade_photos::Column::PublicId.eq(id.as_str()))
        .one(db)
        .await?
        .map(read_photo)
        .transpose()
}

pub async fn delete_photo(db: &impl ConnectionTrait, id: &PhotoId) -> Result<(), DbErr> {
    trade_photos::Entity::delete_many()
        .filter(trade_photos::Column::PublicId.eq(id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}
