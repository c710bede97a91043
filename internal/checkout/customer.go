package checkout

import (
	"context"
	"fmt"

	"storefront/internal/cart"
)

type customerTokenKey struct{}

// SubmitAs is Submit for a request that presents a customer access token (token "" when
// it presents none). The order is placed in the name of the cart's customer only when
// token is a valid access token of that customer; otherwise, and always through Submit, it
// is a guest order under the cart's email: holding a cart's ID is not being its customer.
func (s *Service) SubmitAs(ctx context.Context, cartID, attemptToken, token string) (Submission, error) {
	return s.Submit(context.WithValue(ctx, customerTokenKey{}, token), cartID, attemptToken)
}

// checkCustomer keeps the cart's customer on c only when the request presented that
// customer's valid access token (through SubmitAs).
func (s *Service) checkCustomer(ctx context.Context, c *cart.Cart) error {
	token, _ := ctx.Value(customerTokenKey{}).(string)
	id, err := s.carts.CustomerFor(ctx, c, token)
	if err != nil {
		return fmt.Errorf("check the cart's customer: %w", err)
	}
	c.CustomerID = id
	return nil
}
