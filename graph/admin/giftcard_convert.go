package admin

import (
	"github.com/99designs/gqlgen/graphql"

	"storefront/graph/admin/model"
	"storefront/internal/giftcard"
)

func toGiftCardCreate(in model.GiftCardCreateInput) giftcard.CreateInput {
	return giftcard.CreateInput{InitialValue: in.InitialValue, Code: in.Code, CurrencyCode: in.CurrencyCode, ExpiresAt: in.ExpiresAt, Note: in.Note}
}

func toGiftCardUpdate(in model.GiftCardUpdateInput) giftcard.UpdateInput {
	return giftcard.UpdateInput{ExpiresAt: giftOpt(in.ExpiresAt), Note: giftOpt(in.Note)}
}

func giftOpt[T any](o graphql.Omittable[*T]) giftcard.Optional[T] {
	v, ok := o.ValueOK()
	return giftcard.Optional[T]{Set: ok, Value: v}
}
