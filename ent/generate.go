// Package ent holds the data model generated from ent/schema; only schema/, template/, entc.go and
// generate.go are written by hand.
package ent

//go:generate go run -mod=mod entc.go
