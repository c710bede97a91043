// Package scalar holds the Admin API's custom scalar marshallers.
package scalar

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"storefront/internal/gid"
)

// MarshalIntID writes an ent (database) ID as the global ID the Storefront API uses for the
// same object, gid://storefront/<Type>/<id>: the type is the object's own for its id field,
// and the referenced type for a reference field such as productID (see RefType).
func MarshalIntID(id int) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		object, field := fieldOf(ctx)
		typ, ok := RefType(object, field)
		if !ok {
			return fmt.Errorf("no global ID type for %s.%s", object, field)
		}
		_, _ = io.WriteString(w, strconv.Quote(gid.Format(typ, id)))
		return nil
	})
}

// UnmarshalIntID reads a global ID where the Admin API takes an ent ID (in where filters).
// An ID that is not a global ID is an input error.
func UnmarshalIntID(_ context.Context, v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("an ID must be a string like gid://storefront/Product/42")
	}
	_, id, ok := gid.Parse(s)
	if !ok {
		return 0, fmt.Errorf("%q is not an ID like gid://storefront/Product/42", s)
	}
	return id, nil
}

// fieldOf returns the object and field being written, skipping the contexts of list items.
func fieldOf(ctx context.Context) (object, field string) {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Object != "" && fc.Field.Field != nil {
			return fc.Object, fc.Field.Name
		}
	}
	return "", ""
}

// refs maps the name of a reference field, without its "ID" suffix, to the type it refers to.
var refs = map[string]string{
	"product":         "Product",
	"blog":            "Blog",
	"variant":         "ProductVariant",
	"image":           "ProductImage",
	"option":          "ProductOption",
	"menu":            "Menu",
	"cart":            "Cart",
	"customer":        "Customer",
	"order":           "Order",
	"discountCode":    "DiscountCode",
	"giftCard":        "GiftCard",
	"defaultAddress":  "MailingAddress",
	"shippingAddress": "MailingAddress",
	"billingAddress":  "MailingAddress",
	"apiKey":          "APIKey",
	"subscription":    "WebhookSubscription",
	"delivery":        "WebhookDelivery",
	"orderLine":       "OrderLine",
	"attempt":         "CompletionAttempt",
	"refund":          "Refund",
	"collection":      "Collection",
	"market":          "Market",
}

// RefType is the global ID type of an ID-typed field: the object itself for id and parentID
// (a tree's parent), the referenced type for <ref>ID fields. ok is false for a field it does
// not know, so a new reference field fails loudly instead of writing a wrong ID.
func RefType(object, field string) (typ string, ok bool) {
	switch field {
	case "id", "parentID":
		return object, object != ""
	}
	ref, found := strings.CutSuffix(field, "ID")
	if !found {
		return "", false
	}
	typ, ok = refs[ref]
	return typ, ok
}
