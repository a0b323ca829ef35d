"""The rules of the product: state + events + now -> actions. Pure, no I/O."""
