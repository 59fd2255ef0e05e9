//go:build tools

// Scratch module that builds the Kyverno CLI: `go install …/kubectl-kyverno@v1.19.1` is refused
// because kyverno's go.mod carries replace directives, so this module repeats the one that matters
// (pod-security-admission) and builds the CLI package from here (scripts/install-tools.sh --release).
package tools

import _ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"
