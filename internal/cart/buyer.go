package cart

import "context"

// CustomerFor returns the ID of the cart's customer when token is a valid access token of
// that customer, and nil otherwise (no customer on the cart; no token, another customer's,
// or one expired or revoked since). Holding a cart's ID is not being its customer: what
// belongs to the customer (their profile, addresses, orders, and orders placed in their
// name) is for requests that present their token.
func (s *Service) CustomerFor(ctx context.Context, c *Cart, token string) (*int, error) {
	if c == nil || c.CustomerID == nil || token == "" || s.cfg.Customers == nil {
		return nil, nil
	}
	id, _, ok, err := s.cfg.Customers.CustomerByToken(ctx, token)
	if err != nil || !ok || id != *c.CustomerID {
		return nil, err
	}
	return &id, nil
}
