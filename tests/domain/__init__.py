"""Spec-driven tests of the domain core (thyref.domain), written from the shared spec."""
