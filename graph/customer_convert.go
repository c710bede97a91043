package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"storefront/graph/model"
	"storefront/internal/customer"
	"storefront/internal/web"
)

func customerUserErrors(in []customer.UserError) []*model.CustomerUserError {
	out := make([]*model.CustomerUserError, len(in))
	for i, e := range in {
		code := model.CustomerErrorCode(e.Code)
		out[i] = &model.CustomerUserError{Code: &code, Field: e.Field, Message: e.Message}
	}
	return out
}

func plainUserErrors(in []customer.UserError) []*model.UserError {
	out := make([]*model.UserError, len(in))
	for i, e := range in {
		out[i] = &model.UserError{Field: e.Field, Message: e.Message}
	}
	return out
}

func accessToken(t *customer.Token) *model.CustomerAccessToken {
	if t == nil {
		return nil
	}
	return &model.CustomerAccessToken{AccessToken: t.Value, ExpiresAt: t.ExpiresAt}
}

func toAddressInput(in model.MailingAddressInput) customer.AddressInput {
	return customer.AddressInput{Address1: in.Address1, Address2: in.Address2, City: in.City, Company: in.Company,
		Country: in.Country, FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone, Province: in.Province, Zip: in.Zip}
}

// errOneSignIn refuses an operation that tries to sign in more than once (with aliases),
// so one request cannot multiply password guesses.
var errOneSignIn = errors.New("one customerAccessTokenCreate per request")

// signInsInOperation counts customerAccessTokenCreate fields in the running operation.
func signInsInOperation(ctx context.Context) int {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return 0
	}
	n := 0
	for _, sel := range oc.Operation.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && f.Name == "customerAccessTokenCreate" {
			n++
		}
	}
	return n
}

func clientIP(ctx context.Context) string { return web.ClientIP(ctx) }

func toCustomerUpdate(in model.CustomerUpdateInput) customer.Input {
	return customer.Input{Email: in.Email, Password: in.Password, FirstName: in.FirstName, LastName: in.LastName,
		Phone: in.Phone, AcceptsMarketing: in.AcceptsMarketing}
}
