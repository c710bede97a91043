package admin

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"storefront/graph/admin/generated"
	"storefront/internal/apikey"
	"storefront/internal/audit"
	"storefront/internal/paging"
)

// anyKey marks what every valid key may read: the structure around objects (connections,
// edges, page info, payloads, user errors) and values that only appear inside an object
// whose own scope was checked.
const anyKey = "*"

// typeScopes is the scope needed to read the fields of each object type. A type missing here
// cannot be read at all (fail closed): TestAdminScopeWalk fails until it is mapped.
var typeScopes = map[string]string{
	"Product":            "catalog:read",
	"ProductVariant":     "catalog:read",
	"ProductOption":      "catalog:read",
	"ProductOptionValue": "catalog:read",
	"ProductImage":       "catalog:read",
	"Collection":         "catalog:read",
	"Page":               "catalog:read",
	"Menu":               "catalog:read",
	"MenuItem":           "catalog:read",
	"Shop":               "settings:read",
	"ShippingRate":       "settings:read",
	"TaxRate":            "settings:read",
	"DiscountCode":       "discounts:read",
	"DiscountRedemption": "discounts:read",
	// Gift cards are value the merchant hands out, like discount codes: the same scopes.
	"GiftCard":            "discounts:read",
	"GiftCardTransaction": "discounts:read",
	"Market":              "settings:read",
	"MarketPrice":         "catalog:read",
	"Translation":         "catalog:read",
	"Customer":            "customers:read",
	"MailingAddress":      "customers:read",
	"Cart":                "orders:read",
	"CartLine":            "orders:read",
	"CompletionAttempt":   "orders:read",
	"Order":               "orders:read",
	"OrderLine":           "orders:read",
	"Fulfillment":         "orders:read",
	"Payment":             "orders:read",
	"Refund":              "orders:read",
	"OrderEvent":          "orders:read",
	"InventoryAdjustment": "inventory:read",
	"Blog":                "catalog:read",
	"Article":             "catalog:read",
	"ContentImage":        "catalog:read",
	"ShopPolicy":          "settings:read",
	"UrlRedirect":         "catalog:read",
	"CartMetafield":       "orders:read",
	"APIKey":              "keys:write",
	"AuditEvent":          "keys:write",
	"WebhookSubscription": "webhooks:read",
	"WebhookDelivery":     "webhooks:read",
	"WebhookAttempt":      "webhooks:read",

	// Reports are reached only through their root fields, which need analytics:read.
	"SalesReport":     anyKey,
	"SalesTotals":     anyKey,
	"SalesPeriod":     anyKey,
	"SalesRow":        anyKey,
	"CustomerReport":  anyKey,
	"CustomerTotals":  anyKey,
	"CustomerCohort":  anyKey,
	"CohortRetention": anyKey,
	"InventoryReport": anyKey,
	"InventoryRow":    anyKey,

	// The reports' types appear only under their root fields, which need analytics:read.
	"ConversionFunnelReport": anyKey,
	"FunnelSummary":          anyKey,
	"FunnelStep":             anyKey,
	"FunnelPeriod":           anyKey,
	"TrafficReport":          anyKey,
	"TrafficSource":          anyKey,
	"TrafficPeriod":          anyKey,
	"SearchReport":           anyKey,
	"SearchTotals":           anyKey,
	"SearchTermReport":       anyKey,
	"SearchPeriod":           anyKey,
	"ReportRange":            anyKey,

	"PageInfo":        anyKey,
	"UserError":       anyKey,
	"Attribute":       anyKey,
	"AddressSnapshot": anyKey,
	"SelectedOption":  anyKey,
	"CompletionError": anyKey,
	"OrderDiscount":   anyKey,
	"FulfillmentLine": anyKey,
	"RefundLine":      anyKey,
	// Amounts and the brand appear only inside an order, payment, refund, variant or the
	// shop, whose own scope was checked.
	"MoneyV2":         anyKey,
	"MoneyBag":        anyKey,
	"Brand":           anyKey,
	"BrandColors":     anyKey,
	"BrandColorGroup": anyKey,
	"BrandImage":      anyKey,
}

// mutationScopes is the scope each mutation needs. A mutation missing here is refused for
// every key (fail closed): TestAdminScopeWalk fails until it is mapped.
var mutationScopes = map[string]string{
	"apiKeyCreate": "keys:write",
	"apiKeyRevoke": "keys:write",

	"productSet":    "catalog:write",
	"productCreate": "catalog:write",
	"productUpdate": "catalog:write",
	"productDelete": "catalog:write",

	"collectionCreate":          "catalog:write",
	"collectionUpdate":          "catalog:write",
	"collectionDelete":          "catalog:write",
	"collectionAddProducts":     "catalog:write",
	"collectionRemoveProducts":  "catalog:write",
	"collectionReorderProducts": "catalog:write",
	"pageCreate":                "catalog:write",
	"pageUpdate":                "catalog:write",
	"pageDelete":                "catalog:write",
	"menuCreate":                "catalog:write",
	"menuUpdate":                "catalog:write",
	"menuDelete":                "catalog:write",
	"blogCreate":                "catalog:write",
	"blogUpdate":                "catalog:write",
	"blogDelete":                "catalog:write",
	"articleCreate":             "catalog:write",
	"articleUpdate":             "catalog:write",
	"articleDelete":             "catalog:write",
	"urlRedirectCreate":         "catalog:write",
	"urlRedirectUpdate":         "catalog:write",
	"urlRedirectDelete":         "catalog:write",

	"discountCodeCreate":     "discounts:write",
	"discountCodeUpdate":     "discounts:write",
	"discountCodeDeactivate": "discounts:write",
	"discountCodeDelete":     "discounts:write",
	"giftCardCreate":         "discounts:write",
	"giftCardUpdate":         "discounts:write",
	"giftCardDisable":        "discounts:write",

	"shopUpdate":         "settings:write",
	"shippingRateCreate": "settings:write",
	"shippingRateUpdate": "settings:write",
	"shippingRateDelete": "settings:write",
	"taxRateCreate":      "settings:write",
	"taxRateUpdate":      "settings:write",
	"taxRateDelete":      "settings:write",
	"marketCreate":       "settings:write",
	"marketUpdate":       "settings:write",
	"marketDelete":       "settings:write",

	"marketFixedPricesAdd":    "catalog:write",
	"marketFixedPricesDelete": "catalog:write",

	"translationsRegister": "catalog:write",
	"translationsRemove":   "catalog:write",

	"customerUpdate":  "customers:write",
	"customerDisable": "customers:write",
	"customerEnable":  "customers:write",
	"customerErase":   "customers:write",

	"orderCapture":              "orders:write",
	"fulfillmentCreate":         "orders:write",
	"fulfillmentTrackingUpdate": "orders:write",
	"fulfillmentCancel":         "orders:write",
	"orderCancel":               "orders:write",
	"refundCreate":              "orders:write",
	"orderUpdate":               "orders:write",

	"inventorySetQuantities":    "inventory:write",
	"inventoryAdjustQuantities": "inventory:write",

	"webhookSubscriptionCreate": "webhooks:write",
	"webhookSubscriptionUpdate": "webhooks:write",
	"webhookSubscriptionDelete": "webhooks:write",
	"webhookRedeliver":          "webhooks:write",
	"webhookSubscriptionTest":   "webhooks:write",
}

// queryScopes is the scope of root query fields that are not connections of a mapped type.
var queryScopes = map[string]string{
	// The object a node resolves to is checked field by field with its own type's scope.
	"node":  anyKey,
	"nodes": anyKey,

	"salesReport":      "analytics:read",
	"customerReport":   "analytics:read",
	"inventoryReport":  "analytics:read",
	"conversionFunnel": "analytics:read",
	"trafficReport":    "analytics:read",
	"searchReport":     "analytics:read",
}

// scopeTable is the scope of every field of a schema, by object and field name.
type scopeTable map[string]map[string]string

// buildScopes maps every field of every object type of the schema to the scope it needs;
// fields it cannot map are left out, and so refused.
func buildScopes(s *ast.Schema) scopeTable {
	// A mapped mutation's payload is structure: the mutation itself was checked.
	payloads := map[string]bool{}
	if s.Mutation != nil {
		for _, f := range s.Mutation.Fields {
			if _, ok := mutationScopes[f.Name]; ok {
				payloads[f.Type.Name()] = true
			}
		}
	}
	t := scopeTable{}
	for name, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		fields := map[string]string{}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if scope, ok := fieldScope(name, f, payloads); ok {
				fields[f.Name] = scope
			}
		}
		t[name] = fields
	}
	return t
}

// fieldScope is the scope one field needs.
func fieldScope(object string, f *ast.FieldDefinition, payloads map[string]bool) (string, bool) {
	switch object {
	case "Mutation":
		s, ok := mutationScopes[f.Name]
		return s, ok
	case "Query":
		if s, ok := queryScopes[f.Name]; ok {
			return s, true
		}
		// A root connection needs the scope of what it lists.
		s, ok := typeScopes[strings.TrimSuffix(f.Type.Name(), "Connection")]
		return s, ok && s != anyKey
	}
	if s, ok := typeScopes[object]; ok {
		return s, true
	}
	// Connections and edges are structure: what they hold is checked itself.
	for _, suffix := range []string{"Connection", "Edge"} {
		if base, ok := strings.CutSuffix(object, suffix); ok {
			if _, mapped := typeScopes[base]; mapped {
				return anyKey, true
			}
		}
	}
	if payloads[object] {
		return anyKey, true
	}
	return "", false
}

// CodeAccessDenied is the error code of a field refused for lack of a scope.
const CodeAccessDenied = "ACCESS_DENIED"

// accessDenied is the error of a field the key's scopes do not reach.
func accessDenied(object, field, scope string) *gqlerror.Error {
	msg := fmt.Sprintf("access denied: %s.%s needs the %s scope", object, field, scope)
	if scope == "" {
		msg = fmt.Sprintf("access denied: %s.%s has no scope and is refused to every key", object, field)
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeAccessDenied, "requiredScope": scope}}
}

// checkScopes is the field middleware that refuses every field the calling key's scopes
// do not grant, before its resolver runs (so a refused mutation writes nothing), and names
// the operation of a mutation for the audit log.
func (t scopeTable) checkScopes(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || strings.HasPrefix(fc.Object, "__") || strings.HasPrefix(fc.Field.Name, "__") {
		return next(ctx)
	}
	need, ok := t[fc.Object][fc.Field.Name]
	if !ok {
		return nil, accessDenied(fc.Object, fc.Field.Name, "")
	}
	if need != anyKey {
		k := KeyFrom(ctx)
		if k == nil || !apikey.Grants(k.Scopes, need) {
			return nil, accessDenied(fc.Object, fc.Field.Name, need)
		}
	}
	if fc.Object == "Mutation" {
		ctx = audit.WithOperation(ctx, fc.Field.Name)
	}
	return next(ctx)
}

// checkPage holds every connection to Shopify's rule: exactly one of first and last, at
// most paging.MaxPageSize, so no request lists a whole table.
func checkPage(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Definition == nil || !strings.HasSuffix(fc.Field.Definition.Type.Name(), "Connection") {
		return next(ctx)
	}
	first, _ := fc.Args["first"].(*int)
	last, _ := fc.Args["last"].(*int)
	switch {
	case first != nil && last != nil:
		return nil, &paging.InputError{Argument: "first", Message: "pass either first or last, not both"}
	case first == nil && last == nil:
		return nil, &paging.InputError{Argument: "first", Message: "you must provide one of first or last"}
	}
	n := first
	if n == nil {
		n = last
	}
	if *n < 0 || *n > paging.MaxPageSize {
		return nil, &paging.InputError{Argument: "first", Message: fmt.Sprintf("first and last must be between 0 and %d", paging.MaxPageSize)}
	}
	return next(ctx)
}

// scopeCheck refuses, before anything runs, an operation that selects a field the calling
// key's scopes do not grant: the whole operation is refused, so a document with several
// mutations never writes half of them. Fields selected on an interface (node's id) are
// checked when they resolve, on their concrete type, by checkScopes.
type scopeCheck struct {
	table  scopeTable
	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = scopeCheck{}

func (scopeCheck) ExtensionName() string                   { return "ScopeCheck" }
func (scopeCheck) Validate(graphql.ExecutableSchema) error { return nil }

func (c scopeCheck) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	root := c.schema.Query
	switch oc.Operation.Operation {
	case ast.Mutation:
		root = c.schema.Mutation
	case ast.Subscription:
		root = c.schema.Subscription
	}
	if root == nil {
		return nil
	}
	var scopes []string
	if k := KeyFrom(ctx); k != nil {
		scopes = k.Scopes
	}
	return c.walk(oc.Doc, scopes, root.Name, oc.Operation.SelectionSet, map[string]bool{})
}

func (c scopeCheck) walk(doc *ast.QueryDocument, scopes []string, typeName string, set ast.SelectionSet, inFragment map[string]bool) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			if def := c.schema.Types[typeName]; def != nil && def.Kind == ast.Object {
				need, ok := c.table[typeName][s.Name]
				switch {
				case !ok:
					return accessDenied(typeName, s.Name, "")
				case need != anyKey && !apikey.Grants(scopes, need):
					return accessDenied(typeName, s.Name, need)
				}
			}
			if s.Definition != nil && len(s.SelectionSet) > 0 {
				if err := c.walk(doc, scopes, s.Definition.Type.Name(), s.SelectionSet, inFragment); err != nil {
					return err
				}
			}
		case *ast.InlineFragment:
			t := typeName
			if s.TypeCondition != "" {
				t = s.TypeCondition
			}
			if err := c.walk(doc, scopes, t, s.SelectionSet, inFragment); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			f := doc.Fragments.ForName(s.Name)
			if f == nil || inFragment[s.Name] {
				continue
			}
			inFragment[s.Name] = true
			err := c.walk(doc, scopes, f.TypeCondition, f.SelectionSet, inFragment)
			delete(inFragment, s.Name)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// AnyKey is what RequiredScope answers for a field every valid key may read.
const AnyKey = anyKey

var schemaScopes = sync.OnceValue(func() scopeTable { return buildScopes(Schema()) })

// Schema is the Admin API's schema.
func Schema() *ast.Schema {
	return generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()
}

// RequiredScope is the scope a field of the Admin API needs (AnyKey for structure every
// valid key may read); ok is false for a field no key may use because it has no scope.
func RequiredScope(object, field string) (scope string, ok bool) {
	scope, ok = schemaScopes()[object][field]
	return scope, ok
}
