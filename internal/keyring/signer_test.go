package keyring

import "testing"

func TestKDFDefault(t *testing.T) {
	if KDFIterations != 600_000 {
		t.Fatalf("KDFIterations = %d", KDFIterations)
	}
}
