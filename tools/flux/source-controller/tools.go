//go:build tools

// Package tools only records the dependency on source-controller's main package, so go.mod and go.sum
// pin it; tools/toolchain builds it with `go build github.com/fluxcd/source-controller` from this directory.
package tools

import _ "github.com/fluxcd/source-controller"
