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

// accountMutations are the mutations that each cost a password hash, send an email or
// create an account: an operation may run only one of them, so aliases cannot multiply
// password guesses, recovery emails or new accounts within one request.
var accountMutations = map[string]bool{
	"customerCreate":            true,
	"customerAccessTokenCreate": true,
	"customerRecover":           true,
	"customerReset":             true,
	"customerResetByUrl":        true,
}

// errOneAccountMutation refuses an operation that runs more than one account mutation.
var errOneAccountMutation = errors.New("one of customerCreate, customerAccessTokenCreate, customerRecover, customerReset and customerResetByUrl per request")

// oneAccountMutation returns errOneAccountMutation when the running operation has more
// than one account mutation among the root fields it executes: those written at the top
// level and those reached through fragment spreads and inline fragments, collected the
// way the executor collects them (fields with one response key run once).
func oneAccountMutation(ctx context.Context) error {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	n := 0
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		if accountMutations[f.Name] {
			n++
		}
	}
	if n > 1 {
		return errOneAccountMutation
	}
	return nil
}

func clientIP(ctx context.Context) string { return web.ClientIP(ctx) }

func toCustomerUpdate(in model.CustomerUpdateInput) customer.Input {
	return customer.Input{Email: in.Email, Password: in.Password, FirstName: in.FirstName, LastName: in.LastName,
		Phone: in.Phone, AcceptsMarketing: in.AcceptsMarketing}
}
