package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// The analytics_sales_* tables are rollups of placed orders, kept by the order-placing
// transaction and rebuilt from the orders when they are missing or were built in another
// time zone (internal/sales). Days are the shop's local calendar days as yyyymmdd numbers.
// None of them is part of the Admin API: the reports are.

// skipAdmin keeps a rollup out of the Admin API and names its table.
func skipAdmin(table string) []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
		entsql.Annotation{Table: table},
	}
}

// AnalyticsSalesState holds the one row that says which time zone the sales rollups were
// built in.
type AnalyticsSalesState struct {
	ent.Schema
}

// Fields of the AnalyticsSalesState.
func (AnalyticsSalesState) Fields() []ent.Field {
	return []ent.Field{
		field.String("timezone").NotEmpty().Comment("IANA time zone the rollups' days are in."),
		field.Time("built_at").Default(time.Now).Comment("When the rollups were last rebuilt from the orders."),
	}
}

// Annotations of the AnalyticsSalesState.
func (AnalyticsSalesState) Annotations() []schema.Annotation {
	return skipAdmin("analytics_sales_state")
}

// AnalyticsSalesDay holds the order totals of one local day.
type AnalyticsSalesDay struct {
	ent.Schema
}

// Fields of the AnalyticsSalesDay.
func (AnalyticsSalesDay) Fields() []ent.Field {
	return []ent.Field{
		field.Int("day").Unique().Comment("Local day, yyyymmdd."),
		field.Int("orders").Default(0),
		field.Int64("gross").Default(0).Comment("Line prices × quantities, before discounts (minor units)."),
		field.Int64("discounts").Default(0),
		field.Int64("tax").Default(0),
		field.Int64("shipping").Default(0),
		field.Int64("total").Default(0).Comment("What buyers were charged."),
		field.Int64("units").Default(0),
	}
}

// Annotations of the AnalyticsSalesDay.
func (AnalyticsSalesDay) Annotations() []schema.Annotation {
	return skipAdmin("analytics_sales_days")
}

// AnalyticsSalesLine holds what one variant sold on one local day.
type AnalyticsSalesLine struct {
	ent.Schema
}

// Fields of the AnalyticsSalesLine.
func (AnalyticsSalesLine) Fields() []ent.Field {
	return []ent.Field{
		field.Int("day").Comment("Local day, yyyymmdd."),
		field.Int("variant_id").Comment("0 for lines whose variant was deleted before the rollup was built."),
		field.Int("product_id").Comment("0 when unknown."),
		field.Int64("units").Default(0),
		field.Int64("gross").Default(0).Comment("Unit price × quantity (minor units)."),
		field.Int64("discounts").Default(0).Comment("Discounts allocated to the lines."),
	}
}

// Indexes of the AnalyticsSalesLine.
func (AnalyticsSalesLine) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("day", "variant_id").Unique(),
		index.Fields("variant_id", "day"),
	}
}

// Annotations of the AnalyticsSalesLine.
func (AnalyticsSalesLine) Annotations() []schema.Annotation {
	return skipAdmin("analytics_sales_lines")
}

// AnalyticsSalesBuyer holds what the rollups need to know of one buyer: the days of their
// first and latest orders and how many they placed. Buyers are keyed by their account
// ("c:42") or, for guests, their lower-cased email ("e:ann@example.com").
type AnalyticsSalesBuyer struct {
	ent.Schema
}

// Fields of the AnalyticsSalesBuyer.
func (AnalyticsSalesBuyer) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_key").NotEmpty().Unique(),
		field.Int("first_day").Comment("Local day of the first order, yyyymmdd."),
		field.Int("last_day").Comment("Local day of the latest order, yyyymmdd."),
		field.Int("orders").Default(0),
	}
}

// Annotations of the AnalyticsSalesBuyer.
func (AnalyticsSalesBuyer) Annotations() []schema.Annotation {
	return skipAdmin("analytics_sales_buyers")
}

// AnalyticsSalesVisit counts the orders of one local day by the day of their buyer's
// previous order and whether it was the buyer's first, second or a later order. A range's
// distinct buyers are then its orders whose previous order is before the range (each
// buyer's first order in the range), without reading one row per buyer.
type AnalyticsSalesVisit struct {
	ent.Schema
}

// Fields of the AnalyticsSalesVisit.
func (AnalyticsSalesVisit) Fields() []ent.Field {
	return []ent.Field{
		field.Int("day").Comment("Local day, yyyymmdd."),
		field.Int("prev_day").Comment("Local day of the buyer's previous order; 0 for a first order."),
		field.Int("seq").Comment("1 for a buyer's first order, 2 for the second, 3 for any later one."),
		field.Int("orders").Default(0),
	}
}

// Indexes of the AnalyticsSalesVisit.
func (AnalyticsSalesVisit) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("day", "prev_day", "seq").Unique(),
	}
}

// Annotations of the AnalyticsSalesVisit.
func (AnalyticsSalesVisit) Annotations() []schema.Annotation {
	return skipAdmin("analytics_sales_visits")
}

// AnalyticsSalesCohort counts the buyers whose first order was in one month (a cohort) who
// ordered in a given month.
type AnalyticsSalesCohort struct {
	ent.Schema
}

// Fields of the AnalyticsSalesCohort.
func (AnalyticsSalesCohort) Fields() []ent.Field {
	return []ent.Field{
		field.Int("first_month").Comment("Month of the buyers' first order, yyyymm."),
		field.Int("month").Comment("Month they ordered in, yyyymm."),
		field.Int("customers").Default(0),
	}
}

// Indexes of the AnalyticsSalesCohort.
func (AnalyticsSalesCohort) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("first_month", "month").Unique(),
	}
}

// Annotations of the AnalyticsSalesCohort.
func (AnalyticsSalesCohort) Annotations() []schema.Annotation {
	return skipAdmin("analytics_sales_cohorts")
}
