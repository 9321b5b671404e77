//! Queries over the `regions` table and the villages' rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::entity::regions::{self, Entity as Regions};
use super::entity::villages;
use crate::domain::region::RegionCode;

/// One administrative division as stored: its code, name, level (1 province … 5 village) and
/// the code of the division it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: i16,
    pub parent_code: Option<String>,
}

fn read(row: regions::Model) -> Region {
    Region {
        code: row.code,
        name: row.name,
        level: row.level,
        parent_code: row.parent_code,
    }
}

pub async fn find(db: &impl ConnectionTrait, code: &RegionCode) -> Result<Option<Region>, DbErr> {
    Ok(Regions::find_by_id(code.as_str().to_owned())
        .one(db)
        .await?
        .map(read))
}

/// The regions directly below `parent` (the provinces when `parent` is `None`), by code.
pub async fn children(
    db: &impl ConnectionTrait,
    parent: Option<&RegionCode>,
) -> Result<Vec<Region>, DbErr> {
    let query = match parent {
        Some(code) => Regions::find().filter(regions::Column::ParentCode.eq(code.as_str())),
        None => Regions::find().filter(regions::Column::ParentCode.is_null()),
    };
    Ok(query
        .order_by_asc(regions::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect())
}

/// The regions with the given codes, in no particular order.
pub async fn find_many(
    db: &impl ConnectionTrait,
    codes: &[RegionCode],
) -> Result<Vec<Region>, DbErr> {
    Ok(Regions::find()
        .filter(regions::Column::Code.is_in(codes.iter().map(|c| c.as_str().to_owned())))
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect())
}

/// The names of the regions with these codes (of any level), by code; an unknown code is left
/// out.
pub async fn names(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    let mut names = HashMap::new();
    for chunk in codes.chunks(1000) {
        let found: Vec<(String, String)> = Regions::find()
            .select_only()
            .column(regions::Column::Code)
            .column(regions::Column::Name)
            .filter(regions::Column::Code.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(found);
    }
    Ok(names)
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Regions::find().count(db).await
}

/// One row of a bulk load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub code: RegionCode,
    pub name: String,
}

/// Inserts the rows, or updates those whose name differs; rows that are already as given are
/// not touched. Returns how many rows were written (inserted or changed).
///
/// Parents must come before their children (or already be stored).
pub async fn upsert(db: &impl ConnectionTrait, rows: &[RegionRow]) -> Result<u64, DbErr> {
    if rows.is_empty() {
        return Ok(0);
    }
    let models = rows.iter().map(|row| regions::ActiveModel {
        code: Set(row.code.as_str().to_owned()),
        name: Set(row.name.clone()),
        level: Set(row.code.level().depth()),
        parent_code: Set(row.code.parent().map(|p| p.as_str().to_owned())),
    });
    // The level and parent follow from the code, so only the name can change.
    let on_conflict = OnConflict::column(regions::Column::Code)
        .update_column(regions::Column::Name)
        .action_and_where(
            Expr::col((regions::Entity, regions::Column::Name))
                .ne(Expr::col(("excluded", regions::Column::Name))),
        )
        .to_owned();
    let result = Regions::insert_many(models)
        .on_conflict(on_conflict)
        .exec_without_returning(db)
        .await?;
    Ok(result)
}

/// Gives a village its row (its profile, empty until someone fills it in) if it has none yet:
/// households and needs hang from it.
pub async fn ensure_village(
    db: &impl ConnectionTrait,
    village: &RegionCode,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if villages::Entity::find_by_id(village.as_str().to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let at = at.fixed_offset();
    villages::ActiveModel {
        region_code: Set(village.as_str().to_owned()),
        is_poor: Set(false),
        population: Set(None),
        household_count: Set(None),
        profile: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A village's profile, as its row holds it.
pub struct VillageProfile<'a> {
    pub village: &'a RegionCode,
    /// On the list of poor villages (贫困村).
    pub is_poor: bool,
    pub population: i32,
    pub household_count: i32,
    pub profile: &'a str,
}

/// Gives a village its row with this profile, unless it has one already (which stays as it
/// is). Returns whether it did.
pub async fn add_village(
    db: &impl ConnectionTrait,
    village: &VillageProfile<'_>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let code = village.village.as_str().to_owned();
    if villages::Entity::find_by_id(code.clone())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let at = at.fixed_offset();
    villages::ActiveModel {
        region_code: Set(code),
        is_poor: Set(village.is_poor),
        population: Set(Some(village.population)),
        household_count: Set(Some(village.household_count)),
        profile: Set(Some(village.profile.to_owned())),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(true)
}
