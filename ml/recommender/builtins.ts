// Python builtins: kept verbatim in masked lines (they are neither variables nor imports) and always in scope.
export const BUILTINS: ReadonlySet<string> = new Set(
  (
    'abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod ' +
    'enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance ' +
    'issubclass iter len list locals map max memoryview min next object oct open ord pow print property range repr ' +
    'reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip True False None ' +
    'Exception ValueError KeyError TypeError display get_ipython __name__ __file__'
  ).split(' '),
);
