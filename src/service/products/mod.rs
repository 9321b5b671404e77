//! 扶贫产品: a cooperative's products, from the draft its people (or its village's cadres) write
//! through listing and delisting, with the certification a verifier of the area gives; every
//! change on the product's timeline, in the audit log and in the outbox (its search document)
//! in one transaction. Orders for products are `service::orders`.

pub mod photos;
pub mod search;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::authz::{Action, Actor, Target};
use crate::domain::organisation::OrganisationKind;
use crate::domain::product::{
    Certification, FieldFault, MAX_HOUSEHOLDS, MAX_QUANTITY, MAX_SEASON_DAYS, MAX_UNIT_PRICE_FEN,
    ProductAction, ProductCategory, ProductEventKind, ProductRecord, ProductRefusal, ProductRule,
    ProductStatus, PublicProduct, SaleUnit, Supply, check_supply, decide_product, may_certify,
    may_sell, public_product,
};
use crate::domain::region::{Level, RegionCode, place_name};
use crate::error::{ApiError, ErrorCode, FieldCode, FieldError, FieldErrors};
use crate::service::Context;
use crate::service::paging::Paging;
use crate::store::audit::{self, Entry, Origin};
use crate::store::organisations::{self as organisation_store, OrganisationRecord};
use crate::store::outbox::{self, Message};
use crate::store::products::{
    self as product_store, NewProductRow, ProductContent, ProductEvent, ProductFilter, Sellers,
};
use crate::store::regions as region_store;
use crate::validation::{Text, request_body};

request_body! {
    /// A new product, as a draft, for a verified cooperative (村集体/合作社).
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct NewProduct {
        /// The cooperative that sells it: its people, and the cadres of its village, list for it.
        pub seller_id: i64,
        /// The village it comes from: the cooperative's own when left out; else a village in
        /// the cooperative's region.
        #[rule(village_code)]
        pub village_code: Option<String>,
        #[serde(flatten)]
        pub fields: ProductFields,
    }
}

request_body! {
    /// What a product says; all of it is public, so without private data. An edit sends all
    /// of it again.
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct ProductFields {
        /// `grain`, `vegetables`, `fruit`, `tea`, `honey`, `meat_eggs`, `handicraft` or `other`.
        #[schema(value_type = ProductCategory)]
        #[rule(one_of(ProductCategory))]
        pub category: String,
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 60))]
        #[rule(public_text)]
        pub name: Text,
        #[schema(value_type = String)]
        #[rule(length(min = 10, max = 2000))]
        #[rule(public_text)]
        pub description: Text,
        /// `jin`, `kg`, `item`, `box`, `bottle` or `bag`.
        #[schema(value_type = SaleUnit)]
        #[rule(one_of(SaleUnit))]
        pub unit: String,
        /// The price of one unit, in fen (at most 10 万元).
        #[rule(range(min = 1, max = 10_000_000))]
        pub unit_price_fen: i64,
        /// What is in stock, in the unit; left out for a product sold by season, made to order.
        #[rule(range(min = 0, max = 10_000_000))]
        pub stock: Option<i64>,
        /// The first day it may be ordered (with `season_to`).
        pub season_from: Option<NaiveDate>,
        /// The last day it may be ordered.
        pub season_to: Option<NaiveDate>,
        /// The least one order takes, in the unit.
        #[rule(range(min = 1, max = 10_000_000))]
        pub min_order: i64,
        /// Registered poor households it supports: a count from the register, never names.
        #[rule(range(min = 0, max = 100_000))]
        pub households_supported: i64,
        /// An edit: the stock the form was loaded with. Orders may have taken from it since;
        /// if so, the edit is refused (`conflict`, with `details.stock`) rather than give the
        /// sold units back. Left out, `stock` is set as given (a stock-take).
        #[rule(range(min = 0, max = 10_000_000))]
        pub stock_seen: Option<i64>,
    }
}

request_body! {
    /// A verifier's certification of a product as a 扶贫产品 (扶贫产品认定).
    #[derive(Debug, Clone, Deserialize, Serialize, ToSchema, Validate)]
    pub struct Certify {
        /// The certificate's number in the county's list, e.g. 平扶产认〔2026〕12号.
        #[schema(value_type = String)]
        #[rule(length(min = 2, max = 60))]
        pub certificate_no: Text,
        /// The last day it holds: after today, within 3 years.
        pub certified_until: NaiveDate,
    }
}

/// How long a certification may run.
const MAX_CERTIFICATION_DAYS: i64 = 3 * 366;

/// A product as anyone may see it, with its timeline; `manage` for its sellers and verifiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductDetail {
    pub product: PublicProduct,
    pub timeline: Vec<ProductTimelineEntry>,
    pub manage: Option<ProductManagement>,
}

/// What the product's sellers, and the verifiers of its area, may do with it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductManagement {
    /// `edit`, `list`, `delist`, `certify`, `revoke`.
    pub actions: Vec<String>,
    /// Whether the seller is verified (a product goes on sale once it is).
    pub seller_verified: bool,
}

/// One entry of a product's public timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductTimelineEntry {
    pub kind: ProductEventKind,
    /// e.g. `上架`
    pub label: String,
    /// A certificate's number, a restock's new stock.
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

fn timeline_entry(event: &ProductEvent) -> ProductTimelineEntry {
    ProductTimelineEntry {
        kind: event.kind,
        label: event.kind.label_zh().to_owned(),
        note: event.note.clone(),
        at: event.at,
    }
}

/// Today's date in China.
pub(crate) fn today(now: DateTime<Utc>) -> NaiveDate {
    crate::clock::in_beijing(now).date_naive()
}

fn refused(refusal: ProductRefusal) -> ApiError {
    let code = match refusal {
        ProductRefusal::NotSeller => ErrorCode::Forbidden,
        ProductRefusal::WrongStatus(..) | ProductRefusal::SellerUnverified => {
            ErrorCode::InvalidState
        }
    };
    ApiError::new(code, refusal.to_string())
}

fn fault(f: FieldFault) -> (&'static str, FieldError) {
    let error = match f.rule {
        ProductRule::StockOrSeason => FieldError::required_with(None)
            .because("give a stock, or a season window (season_from and season_to)"),
        ProductRule::SeasonOrder => FieldError::new(FieldCode::NotBefore).field("season_from"),
        ProductRule::SeasonTooLong => FieldError::new(FieldCode::WithinDays).days(MAX_SEASON_DAYS),
        ProductRule::SeasonOver => {
            FieldError::new(FieldCode::Future).because("the season is over already")
        }
        ProductRule::AboveStock(stock) => {
            FieldError::exceeds(stock).because("a minimum order must not be more than the stock")
        }
    };
    (f.field, error)
}

/// A product's fields, checked and parsed.
struct Valid {
    category: ProductCategory,
    unit: SaleUnit,
    name: String,
    description: String,
    supply: Supply,
}

fn validate(
    fields: &ProductFields,
    mut errors: FieldErrors,
    now: DateTime<Utc>,
) -> Result<Valid, ApiError> {
    errors.merge(FieldErrors::of(fields.validate()));
    let season = match (fields.season_from, fields.season_to) {
        (Some(from), Some(to)) => Some((from, to)),
        (None, None) => None,
        (Some(_), None) => {
            errors.add(
                "season_to",
                FieldError::required_with(Some("season_from")).because("a season has a last day"),
            );
            None
        }
        (None, Some(_)) => {
            errors.add(
                "season_from",
                FieldError::required_with(Some("season_to")).because("a season has a first day"),
            );
            None
        }
    };
    let supply = Supply {
        stock: fields.stock,
        season,
    };
    if errors.is_empty() {
        for f in check_supply(supply, fields.min_order, today(now)) {
            let (field, error) = fault(f);
            if !errors.has(field) {
                errors.add(field, error);
            }
        }
    }
    let category = ProductCategory::parse(&fields.category);
    let unit = SaleUnit::parse(&fields.unit);
    errors.into_result()?;
    let (Some(category), Some(unit)) = (category, unit) else {
        return Err(ApiError::internal(
            "a product's codes passed their rules unparsed",
        ));
    };
    debug_assert!(fields.unit_price_fen <= MAX_UNIT_PRICE_FEN && fields.min_order <= MAX_QUANTITY);
    debug_assert!(fields.households_supported <= MAX_HOUSEHOLDS);
    Ok(Valid {
        category,
        unit,
        name: fields.name.trimmed().to_owned(),
        description: fields.description.trimmed().to_owned(),
        supply,
    })
}

fn content<'a>(valid: &'a Valid, fields: &ProductFields) -> ProductContent<'a> {
    ProductContent {
        category: valid.category,
        name: &valid.name,
        description: &valid.description,
        unit: valid.unit,
        unit_price_fen: fields.unit_price_fen,
        supply: valid.supply,
        min_order: fields.min_order,
        // Within its rule's range (at most 100,000).
        households_supported: i32::try_from(fields.households_supported).unwrap_or(i32::MAX),
    }
}

async fn audit_product(
    txn: &impl ConnectionTrait,
    origin: &Origin,
    action: &str,
    product: &ProductRecord,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    audit::record_at(
        txn,
        origin,
        Entry {
            action,
            target_kind: "product",
            target_id: product.id.to_string(),
            region_code: Some(product.village.as_str()),
            detail: Some(detail),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The cooperative `seller_id`, if it is one; a field error on `seller_id` otherwise.
async fn cooperative(
    db: &impl ConnectionTrait,
    seller_id: i64,
) -> Result<Result<(OrganisationRecord, RegionCode), FieldError>, ApiError> {
    let Some(org) = organisation_store::find(db, seller_id).await? else {
        return Ok(Err(
            FieldError::not_found_reference().because("no such organisation")
        ));
    };
    if org.kind != OrganisationKind::Cooperative {
        return Ok(Err(FieldError::not_found_reference()
            .because("only a cooperative (村集体/合作社) sells products")));
    }
    let Some(region) = org
        .region_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
    else {
        return Ok(Err(
            FieldError::not_found_reference().because("the cooperative has no village on record")
        ));
    };
    Ok(Ok((org, region)))
}

/// Creates a draft product for a cooperative; its people and its village's cadres may.
pub async fn create(
    app: &Context,
    actor: &Actor,
    new: NewProduct,
    origin: &Origin,
) -> Result<ProductDetail, ApiError> {
    let now = app.clock.now();
    let mut errors = FieldErrors::of(new.validate());
    let txn = crate::store::begin_write(&app.db).await?;
    let (org, region) = match cooperative(&txn, new.seller_id).await? {
        Ok(found) => found,
        Err(error) => {
            errors.add("seller_id", error);
            errors.merge(FieldErrors::of(new.fields.validate()));
            errors.into_result()?;
            return Err(ApiError::internal(
                "a refused seller without its field error",
            ));
        }
    };
    let village = match new.village_code.as_deref().map(RegionCode::parse) {
        None => region.clone(),
        Some(Ok(code)) => code,
        // Its rule said so.
        Some(Err(_)) => region.clone(),
    };
    // A given code is a village's by its rule: only the cooperative's own region may not be.
    if village.level() != Level::Village {
        errors.add(
            "village_code",
            FieldError::required_with(Some("seller_id"))
                .because("name a village of the cooperative's region"),
        );
    } else if !region.contains(&village) {
        errors.add(
            "village_code",
            FieldError::not_found_reference().because("is not a village of the cooperative's"),
        );
    } else if region_store::find(&txn, &village).await?.is_none() {
        errors.add("village_code", FieldError::not_found_reference());
    }
    if !may_sell(actor, org.id, &village) {
        return Err(refused(ProductRefusal::NotSeller));
    }
    let valid = validate(&new.fields, errors, now)?;
    let product = product_store::insert(
        &txn,
        &NewProductRow {
            seller_id: org.id,
            village: &village,
            content: content(&valid, &new.fields),
            created_by: actor.user_id,
            at: now,
        },
    )
    .await?;
    product_store::record_event(
        &txn,
        product.id,
        ProductEventKind::Created,
        Some(actor.user_id),
        None,
        now,
    )
    .await?;
    audit_product(
        &txn,
        origin,
        "product.create",
        &product,
        json!({"seller_id": org.id, "unit_price_fen": new.fields.unit_price_fen}),
        now,
    )
    .await?;
    let detail = detail_in(app, &txn, &product, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

/// The product `id` as `who` may see it: a draft only by its sellers and the verifiers of its
/// area; to everyone else it is "not found".
pub(crate) async fn load_visible(
    db: &impl ConnectionTrait,
    who: Option<&Actor>,
    id: i64,
) -> Result<ProductRecord, ApiError> {
    let product = product_store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    let insider = who.is_some_and(|a| {
        may_sell(a, product.seller_id, &product.village) || may_certify(a, &product.village)
    });
    if insider || product.status.is_public() {
        Ok(product)
    } else {
        Err(ApiError::not_found("product"))
    }
}

/// The public projections of these products, with their sellers' and villages' names and
/// their photos' addresses.
pub async fn public_products(
    db: &impl ConnectionTrait,
    products: &[ProductRecord],
    now: DateTime<Utc>,
) -> Result<Vec<PublicProduct>, ApiError> {
    let mut codes: Vec<String> = products
        .iter()
        .flat_map(|p| p.village.lineage())
        .map(|r| r.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    let names = region_store::names(db, &codes).await?;
    let mut sellers: HashMap<i64, String> = HashMap::new();
    for product in products {
        if let std::collections::hash_map::Entry::Vacant(slot) = sellers.entry(product.seller_id) {
            let name = organisation_store::find(db, product.seller_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            slot.insert(name);
        }
    }
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let mut photos_by_product = product_store::photos_of_products(db, &ids).await?;
    let day = today(now);
    let mut out = Vec::with_capacity(products.len());
    for product in products {
        // From the county down: 平远县仁居镇墩背村.
        let lineage: Vec<String> = product
            .village
            .lineage()
            .iter()
            .filter(|r| r.level() >= Level::County)
            .map(|r| names.get(r.as_str()).cloned().unwrap_or_default())
            .collect();
        let photos = photos_by_product
            .remove(&product.id)
            .unwrap_or_default()
            .iter()
            .map(|p| photos::url(&p.public_id))
            .collect();
        out.push(public_product(
            product,
            &sellers[&product.seller_id],
            &place_name(&lineage),
            photos,
            day,
        ));
    }
    Ok(out)
}

/// The moves `actor` may make on `product` now.
fn open_actions(product: &ProductRecord, seller_verified: bool, actor: &Actor) -> Vec<String> {
    let mut actions: Vec<String> = [
        (ProductAction::Edit, "edit"),
        (ProductAction::List, "list"),
        (ProductAction::Delist, "delist"),
    ]
    .into_iter()
    .filter(|(a, _)| decide_product(product, seller_verified, *a, actor).is_ok())
    .map(|(_, name)| name.to_owned())
    .collect();
    if may_certify(actor, &product.village) {
        actions.push("certify".to_owned());
        if product.certification.is_some() {
            actions.push("revoke".to_owned());
        }
    }
    actions
}

async fn seller_verified(db: &impl ConnectionTrait, seller_id: i64) -> Result<bool, ApiError> {
    Ok(organisation_store::find(db, seller_id)
        .await?
        .is_some_and(|o| o.verified_at.is_some()))
}

async fn detail_in(
    app: &Context,
    db: &impl ConnectionTrait,
    product: &ProductRecord,
    who: Option<&Actor>,
) -> Result<ProductDetail, ApiError> {
    let now = app.clock.now();
    let public = public_products(db, std::slice::from_ref(product), now)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a product without its projection"))?;
    let timeline = product_store::timeline(db, product.id)
        .await?
        .iter()
        .map(timeline_entry)
        .collect();
    let manage = match who {
        Some(actor)
            if may_sell(actor, product.seller_id, &product.village)
                || may_certify(actor, &product.village) =>
        {
            let verified = seller_verified(db, product.seller_id).await?;
            Some(ProductManagement {
                actions: open_actions(product, verified, actor),
                seller_verified: verified,
            })
        }
        _ => None,
    };
    Ok(ProductDetail {
        product: public,
        timeline,
        manage,
    })
}

/// One product, with its timeline (and, for its sellers and verifiers, what they may do).
pub async fn show(app: &Context, who: Option<&Actor>, id: i64) -> Result<ProductDetail, ApiError> {
    let product = load_visible(&app.db, who, id).await?;
    detail_in(app, &app.db, &product, who).await
}

/// Replaces a product's fields (its seller and village stay), in any status: a listed
/// product's price or stock changes for orders placed from now on.
pub async fn update(
    app: &Context,
    actor: &Actor,
    id: i64,
    fields: ProductFields,
    origin: &Origin,
) -> Result<ProductDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let product = product_store::lock(&txn, id)
        .await?
        .filter(|p| p.status.is_public() || may_sell(actor, p.seller_id, &p.village))
        .ok_or_else(|| ApiError::not_found("product"))?;
    let verified = seller_verified(&txn, product.seller_id).await?;
    decide_product(&product, verified, ProductAction::Edit, actor).map_err(refused)?;
    let valid = validate(&fields, FieldErrors::new(), now)?;
    if let Some(seen) = fields.stock_seen
        && product.supply.stock != Some(seen)
    {
        let mut error = ApiError::new(
            ErrorCode::Conflict,
            "the stock changed since the form was loaded (orders took from it): load it again",
        );
        error.details = Some(json!({ "stock": product.supply.stock }));
        return Err(error);
    }
    product_store::update_content(&txn, id, &content(&valid, &fields), now).await?;
    product_store::record_event(
        &txn,
        id,
        ProductEventKind::Edited,
        Some(actor.user_id),
        None,
        now,
    )
    .await?;
    if valid.supply.stock != product.supply.stock {
        let note = valid.supply.stock.map(|s| s.to_string());
        product_store::record_event(
            &txn,
            id,
            ProductEventKind::Restocked,
            Some(actor.user_id),
            note.as_deref(),
            now,
        )
        .await?;
    }
    audit_product(
        &txn,
        origin,
        "product.update",
        &product,
        json!({"unit_price_fen": fields.unit_price_fen, "stock": fields.stock}),
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncProduct { product_id: id }, now).await?;
    let product = product_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    let detail = detail_in(app, &txn, &product, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

/// Lists (puts on sale) or delists a product.
pub async fn step(
    app: &Context,
    actor: &Actor,
    id: i64,
    action: ProductAction,
    origin: &Origin,
) -> Result<ProductDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let product = product_store::lock(&txn, id)
        .await?
        .filter(|p| p.status.is_public() || may_sell(actor, p.seller_id, &p.village))
        .ok_or_else(|| ApiError::not_found("product"))?;
    let verified = seller_verified(&txn, product.seller_id).await?;
    let to = decide_product(&product, verified, action, actor).map_err(refused)?;
    let (kind, name) = match action {
        ProductAction::Delist => (ProductEventKind::Delisted, "product.delist"),
        _ => (ProductEventKind::Listed, "product.list"),
    };
    product_store::update_status(&txn, &product, to, now).await?;
    product_store::record_event(&txn, id, kind, Some(actor.user_id), None, now).await?;
    audit_product(
        &txn,
        origin,
        name,
        &product,
        json!({"from": product.status, "to": to}),
        now,
    )
    .await?;
    outbox::enqueue(&txn, &Message::SearchSyncProduct { product_id: id }, now).await?;
    let product = product_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    let detail = detail_in(app, &txn, &product, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

/// Certifies a product as a 扶贫产品 (a verifier of its area), or renews its certificate.
pub async fn certify(
    app: &Context,
    actor: &Actor,
    id: i64,
    body: Certify,
    origin: &Origin,
) -> Result<ProductDetail, ApiError> {
    let now = app.clock.now();
    let mut errors = FieldErrors::of(body.validate());
    let day = today(now);
    if body.certified_until <= day {
        errors.add("certified_until", FieldError::new(FieldCode::Future));
    } else if (body.certified_until - day).num_days() > MAX_CERTIFICATION_DAYS {
        errors.add(
            "certified_until",
            FieldError::new(FieldCode::WithinDays).days(MAX_CERTIFICATION_DAYS),
        );
    }
    errors.into_result()?;
    let txn = crate::store::begin_write(&app.db).await?;
    let product = certifiable(&txn, actor, id).await?;
    let certification = Certification {
        certificate_no: body.certificate_no.trimmed().to_owned(),
        certified_at: now,
        certified_until: body.certified_until,
    };
    product_store::set_certification(&txn, id, Some(&certification), actor.user_id, now).await?;
    product_store::record_event(
        &txn,
        id,
        ProductEventKind::Certified,
        Some(actor.user_id),
        Some(&certification.certificate_no),
        now,
    )
    .await?;
    audit_product(
        &txn,
        origin,
        "product.certify",
        &product,
        json!({"certificate_no": certification.certificate_no, "until": body.certified_until}),
        now,
    )
    .await?;
    finish_certification(app, txn, id, actor, now).await
}

/// Revokes a product's certification (a verifier of its area).
pub async fn revoke(
    app: &Context,
    actor: &Actor,
    id: i64,
    origin: &Origin,
) -> Result<ProductDetail, ApiError> {
    let now = app.clock.now();
    let txn = crate::store::begin_write(&app.db).await?;
    let product = certifiable(&txn, actor, id).await?;
    if product.certification.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "the product is not certified",
        ));
    }
    product_store::set_certification(&txn, id, None, actor.user_id, now).await?;
    product_store::record_event(
        &txn,
        id,
        ProductEventKind::CertificationRevoked,
        Some(actor.user_id),
        None,
        now,
    )
    .await?;
    audit_product(&txn, origin, "product.revoke", &product, json!({}), now).await?;
    finish_certification(app, txn, id, actor, now).await
}

async fn certifiable(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<ProductRecord, ApiError> {
    let product = product_store::lock(txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    if !may_certify(actor, &product.village) {
        if product.status.is_public() {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "only a verifier of the product's area certifies it",
            ));
        }
        return Err(ApiError::not_found("product"));
    }
    Ok(product)
}

async fn finish_certification(
    app: &Context,
    txn: sea_orm::DatabaseTransaction,
    id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<ProductDetail, ApiError> {
    outbox::enqueue(&txn, &Message::SearchSyncProduct { product_id: id }, now).await?;
    let product = product_store::find(&txn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("product"))?;
    let detail = detail_in(app, &txn, &product, Some(actor)).await?;
    txn.commit().await?;
    Ok(detail)
}

/// One page of the listed products of a village (or of the regions holding it) or of a
/// cooperative, newest first, and how many there are: what a `consumption` need's page links
/// to, and a cooperative's shop.
pub async fn of_region(
    app: &Context,
    region: Option<&RegionCode>,
    seller_id: Option<i64>,
    paging: Paging,
) -> Result<(Vec<PublicProduct>, u64), ApiError> {
    let filter = ProductFilter {
        statuses: vec![ProductStatus::Listed],
        seller_id,
        within: region.cloned().into_iter().collect(),
        ..Default::default()
    };
    let (products, total) =
        product_store::list_page(&app.db, &filter, paging.page, paging.per_page).await?;
    Ok((
        public_products(&app.db, &products, app.clock.now()).await?,
        total,
    ))
}

/// One page of the products `actor` sells (its cooperatives' and its villages'), every status,
/// newest first, and, for a verifier, those of their area waiting for or holding a
/// certification; and how many there are: one query, paged in the database.
pub async fn mine(
    app: &Context,
    actor: &Actor,
    paging: Paging,
) -> Result<(Vec<PublicProduct>, u64), ApiError> {
    let mut sellers = Sellers::default();
    for grant in &actor.grants {
        match &grant.scope {
            crate::domain::authz::Scope::Organisation(org)
                if actor.can(Action::SellProduct, Target::Organisation(*org)) =>
            {
                sellers.cooperatives.push(*org);
            }
            crate::domain::authz::Scope::Region(region)
                if actor.can(Action::SellProduct, Target::Region(region))
                    || actor.can(Action::CertifyProduct, Target::Region(region)) =>
            {
                sellers.villages_within.push(region.clone());
            }
            _ => {}
        }
    }
    let filter = ProductFilter {
        sold_by: Some(sellers),
        ..Default::default()
    };
    let (products, total) =
        product_store::list_page(&app.db, &filter, paging.page, paging.per_page).await?;
    Ok((
        public_products(&app.db, &products, app.clock.now()).await?,
        total,
    ))
}
