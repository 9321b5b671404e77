//! Small builders shared by the migrations, so every table spells keys, timestamps and
//! foreign keys the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

/// `id bigint` auto-increment primary key.
pub fn id() -> ColumnDef {
    schema::big_pk_auto("id")
}

/// A UTC timestamp column that must be set.
pub fn at(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone(name)
}

/// A UTC timestamp column that may be empty (an event that has not happened yet).
pub fn at_null(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone_null(name)
}

/// A reference to another table's `id`.
pub fn ref_id(name: &'static str) -> ColumnDef {
    schema::big_integer(name)
}

/// An optional reference to another table's `id`.
pub fn ref_id_null(name: &'static str) -> ColumnDef {
    schema::big_integer_null(name)
}

/// A region code column (2 to 12 digits, the national statistical code).
pub fn region_code(name: &'static str) -> ColumnDef {
    schema::string_len(name, 12)
}

pub fn region_code_null(name: &'static str) -> ColumnDef {
    schema::string_len_null(name, 12)
}

/// Foreign key `table.column -> target(key)`, named `fk_<table>_<column>`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    key: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, key)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

/// Index on `columns` of `table`, named `ix_<table>_<columns…>`.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    stmt.to_owned()
}

/// Unique index on `columns` of `table`, named `ux_<table>_<columns…>`; the application maps a
/// violation of it to a field error by this name.
pub fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ux_{table}_{}", columns.join("_")))
        .table(table)
        .unique();
    for column in columns {
        stmt.col(*column);
    }
    stmt.to_owned()
}

/// Creates the given indexes one after the other.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the given tables, in the order given (dependents first).
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}
