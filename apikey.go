package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"storefront/graph"
	"storefront/graph/admin"
	"storefront/internal/apikey"
	"storefront/internal/catalog"
	"storefront/internal/customer"
	"storefront/internal/discount"
	"storefront/internal/export"
	"storefront/internal/gid"
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

// newAdminHandler serves the Admin API (/admin/graphql) with the Storefront API's limits.
// It is not behind CORS: keys belong in servers and scripts, not in shoppers' browsers
// (the Playground is served from the same origin).
func newAdminHandler(cfg config, db *store.DB, cat *catalog.Service, customers *customer.Service, hooks *webhook.Service, orders *order.Service, salesReports *sales.Service, log *slog.Logger) http.Handler {
	h := admin.NewHandler(admin.Options{
		DB:           db,
		APIKeys:      apikey.New(db),
		Catalog:      cat,
		Inventory:    inventory.New(db),
		Discounts:    discount.New(db),
		GiftCards:    giftcard.New(db),
		Settings:     settings.New(db),
		Customers:    customers,
		Webhooks:     hooks,
		Orders:       orders,
		Log:          log,
		Sales:        salesReports,
		Markets:      market.NewService(db),
		Translations: translation.New(db),
		Limits: graph.Options{
			Introspection: cfg.Introspection,
			Production:    cfg.Production,
			MaxComplexity: cfg.MaxComplexity,
			MaxDepth:      cfg.MaxDepth,
		},
	})
	return web.Timeout(cfg.Timeout, web.LimitBody(cfg.MaxBodyBytes, h))
}

// newExportHandler serves the Admin API's JSON Lines exports (/admin/export/{file}).
func newExportHandler(db *store.DB, log *slog.Logger) http.Handler {
	return admin.ExportHandler(apikey.New(db), export.New(db), log)
}

// apikeyCmd manages the Admin API's keys from the command line: the first key has to come
// from here.
//
//	storefront apikey create -name NAME -scopes a,b,c [-expires 720h]   (the key is the last line)
//	storefront apikey list
//	storefront apikey revoke -name NAME | -id ID
func apikeyCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("apikey: want create, list or revoke")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("apikey "+sub, flag.ContinueOnError)
	dbURL := fs.String("database-url", "", "database (default: DATABASE_URL or sqlite:storefront.db)")
	var name, scopes, id string
	var expires time.Duration
	switch sub {
	case "create":
		fs.StringVar(&name, "name", "", "who or what uses the key (unique)")
		fs.StringVar(&scopes, "scopes", "", "comma-separated scopes: "+strings.Join(apikey.Scopes, ","))
		fs.DurationVar(&expires, "expires", 0, "how long the key works (e.g. 720h); forever when unset")
	case "list":
	case "revoke":
		fs.StringVar(&name, "name", "", "name of the key to revoke")
		fs.StringVar(&id, "id", "", "ID of the key to revoke (a number or gid://storefront/APIKey/N)")
	default:
		return fmt.Errorf("apikey: unknown subcommand %q (want create, list or revoke)", sub)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, _, err := loadConfig("apikey", nil, getenv)
	if err != nil {
		return err
	}
	if *dbURL != "" {
		cfg.DatabaseURL = *dbURL
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL})
	if err != nil {
		return err
	}
	defer db.Close()
	keys := apikey.New(db)
	switch sub {
	case "create":
		in := apikey.CreateInput{Name: name}
		if scopes != "" {
			in.Scopes = strings.Split(scopes, ",")
		}
		if expires > 0 {
			at := time.Now().UTC().Add(expires)
			in.ExpiresAt = &at
		}
		k, key, uerrs, err := keys.Create(ctx, in)
		if err != nil {
			return err
		}
		if len(uerrs) > 0 {
			msgs := make([]string, len(uerrs))
			for i, e := range uerrs {
				msgs[i] = e.Message
			}
			return fmt.Errorf("apikey create: %s", strings.Join(msgs, " "))
		}
		fmt.Fprintf(stdout, "created API key %q (%s) with scopes %s\n", k.Name, apikey.GlobalID(k.ID), strings.Join(k.Scopes, ","))
		fmt.Fprintln(stdout, "this is the only time the key is shown; send it as Authorization: Bearer <key>:")
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		ks, err := keys.List(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "id\tname\tprefix\tscopes\tcreated\tlast used\texpires\trevoked")
		for _, k := range ks {
			fmt.Fprintf(w, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, strings.Join(k.Scopes, ","),
				k.CreatedAt.Format(time.RFC3339), timeOrDash(k.LastUsedAt), timeOrDash(k.ExpiresAt), timeOrDash(k.RevokedAt))
		}
		return w.Flush()
	default: // revoke
		var n int
		switch {
		case id != "" && name != "":
			return errors.New("apikey revoke: give -name or -id, not both")
		case id != "":
			if v, ok := gid.ParseAs(id, apikey.GlobalIDType); ok {
				n = v
			} else if _, err := fmt.Sscan(id, &n); err != nil || n <= 0 {
				return fmt.Errorf("apikey revoke: %q is not a key ID", id)
			}
		case name == "":
			return errors.New("apikey revoke: give -name or -id")
		}
		k, uerrs, err := keys.Revoke(ctx, n, name)
		if err != nil {
			return err
		}
		if len(uerrs) > 0 {
			return errors.New("apikey revoke: no such key")
		}
		fmt.Fprintf(stdout, "revoked API key %q (%s)\n", k.Name, apikey.GlobalID(k.ID))
		return nil
	}
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
