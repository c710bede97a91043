package admin

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler"

	"storefront/ent"
	"storefront/graph"
	"storefront/graph/admin/generated"
	"storefront/internal/apikey"
	"storefront/internal/audit"
	"storefront/internal/catalog"
	"storefront/internal/customer"
	"storefront/internal/discount"
	"storefront/internal/giftcard"
	"storefront/internal/inventory"
	"storefront/internal/market"
	"storefront/internal/order"
	"storefront/internal/sales"
	"storefront/internal/settings"
	"storefront/internal/store"
	"storefront/internal/translation"
	"storefront/internal/web"
	"storefront/internal/webhook"
)

// Options configure the Admin API handler.
type Options struct {
	DB        *store.DB
	APIKeys   *apikey.Service
	Catalog   *catalog.Service
	Inventory *inventory.Service
	Discounts *discount.Service
	// GiftCards issues gift cards; one over DB when nil.
	GiftCards *giftcard.Service
	Settings  *settings.Service
	Customers *customer.Service
	Webhooks  *webhook.Service
	Orders    *order.Service
	Sales     *sales.Service
	Log       *slog.Logger
	Markets   *market.Service
	// Translations writes the merchant's translations.
	Translations *translation.Service
	// Limits are the Storefront API's limits (depth, aliases, tokens, cost), applied the
	// same way; only their limit fields, Production and Introspection are read.
	Limits graph.Options
}

// NewHandler returns the Admin API's GraphQL handler: the same transport, limits, caches
// and error presenter as the Storefront API, behind API key authentication, with every
// field checked against the key's scopes.
func NewHandler(o Options) http.Handler {
	if o.GiftCards == nil {
		o.GiftCards = giftcard.New(o.DB)
	}
	cfg := generated.Config{Resolvers: &Resolver{DB: o.DB, APIKeys: o.APIKeys, Catalog: o.Catalog, Inventory: o.Inventory, Discounts: o.Discounts, GiftCards: o.GiftCards, Settings: o.Settings, Customers: o.Customers, Webhooks: o.Webhooks, Orders: o.Orders, Markets: o.Markets, Translations: o.Translations, Sales: o.Sales}}
	connectionCosts(&cfg.Complexity)
	es := generated.NewExecutableSchema(cfg)
	srv := handler.New(es)
	o.Limits.Log = o.Log
	graph.ConfigureServer(srv, o.Limits)
	scopes := buildScopes(es.Schema())
	srv.Use(scopeCheck{table: scopes, schema: es.Schema()})
	srv.AroundFields(scopes.checkScopes)
	srv.AroundFields(checkPage)
	return authenticate(o.APIKeys, o.Log, withMoneyLoaders(o.DB, srv))
}

type keyCtx struct{}

// KeyFrom returns the API key that authenticated the request (nil outside one).
func KeyFrom(ctx context.Context) *ent.APIKey {
	k, _ := ctx.Value(keyCtx{}).(*ent.APIKey)
	return k
}

// authenticate admits only requests with a valid key (Authorization: Bearer <key>); any
// other gets HTTP 401 with a GraphQL error, before anything is parsed.
func authenticate(keys *apikey.Service, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		k, err := keys.Authenticate(ctx, strings.TrimSpace(token))
		if err != nil {
			msg := "a valid API key is required: send Authorization: Bearer <key>"
			switch {
			case errors.Is(err, apikey.ErrNoKey), errors.Is(err, apikey.ErrUnknown), errors.Is(err, apikey.ErrRevoked), errors.Is(err, apikey.ErrExpired):
				log.InfoContext(ctx, "admin api key refused", "request_id", web.RequestID(ctx), "reason", err.Error())
			default:
				log.ErrorContext(ctx, "admin api key check failed", "request_id", web.RequestID(ctx), "error", err.Error())
				web.WriteError(w, http.StatusInternalServerError, "internal error", map[string]any{"code": graph.CodeInternal, "requestId": web.RequestID(ctx)})
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="admin"`)
			web.WriteError(w, http.StatusUnauthorized, msg, map[string]any{"code": "UNAUTHENTICATED"})
			return
		}
		ctx = context.WithValue(ctx, keyCtx{}, k)
		ctx = audit.WithActor(ctx, audit.Actor{KeyID: k.ID, Name: k.Name})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// connectionCosts makes every connection of the schema cost its page size times what each
// item costs, as the Storefront API's do. entgql's connection fields all take (after,
// first, before, last, …), so they are found by their signature: a new connection is
// covered without being listed here.
func connectionCosts(c *generated.ComplexityRoot) {
	intPtr := reflect.TypeFor[*int]()
	cursor := reflect.TypeFor[*ent.Cursor]()
	roots := reflect.ValueOf(c).Elem()
	for i := range roots.NumField() {
		obj := roots.Field(i)
		if obj.Kind() != reflect.Struct {
			continue
		}
		for j := range obj.NumField() {
			f := obj.Field(j)
			t := f.Type()
			if t.Kind() != reflect.Func || t.NumIn() < 5 || t.In(1) != cursor || t.In(2) != intPtr || t.In(3) != cursor || t.In(4) != intPtr {
				continue
			}
			f.Set(reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
				child := int(args[0].Int())
				first, _ := args[2].Interface().(*int)
				last, _ := args[4].Interface().(*int)
				return []reflect.Value{reflect.ValueOf(1 + child*graph.PageCost(first, last))}
			}))
		}
	}
}
