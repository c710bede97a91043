package admin

import "storefront/internal/usererror"

// userErrors shapes a service's user errors for a payload: never null, empty when the
// mutation succeeded.
func userErrors(es []usererror.Error) []*usererror.Error {
	out := make([]*usererror.Error, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}
