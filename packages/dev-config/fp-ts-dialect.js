// `grantor/fp-ts-dialect`: the fp-ts 2.14+ names only. fp-ts 2.16 files the older names under `@category legacy`
// ("Alias of `flatMap`", …); one dialect reads better than two. The rule knows which module a name comes from (through
// the import), so `E.mapLeft` stays allowed (Either has no `mapError` in fp-ts 2.16) while `TE.mapLeft` is refused.

const common = {
  chain: 'flatMap',
  chainW: 'flatMap',
  chainFirst: 'tap',
  chainFirstW: 'tap',
  chainOptionK: 'flatMapOption',
  chainOptionKW: 'flatMapOption',
  chainNullableK: 'flatMapNullable',
  fromOptionK: 'liftOption',
  fromNullableK: 'liftNullable',
};

const effectful = {
  ...common,
  mapLeft: 'mapError',
  bimap: 'mapBoth',
  chainEitherK: 'flatMapEither',
  chainEitherKW: 'flatMapEither',
  chainFirstEitherK: 'tapEither',
  chainFirstEitherKW: 'tapEither',
  chainIOK: 'flatMapIO',
  chainFirstIOK: 'tapIO',
  chainTaskK: 'flatMapTask',
  chainFirstTaskK: 'tapTask',
  chainIOEitherK: 'flatMapIOEither',
  chainIOEitherKW: 'flatMapIOEither',
  orElseFirst: 'tapError',
  orElseFirstW: 'tapError',
};

/** Legacy name → its fp-ts 2.14+ replacement, per module. */
const legacyNames = {
  Either: common,
  Option: { chain: 'flatMap', chainFirst: 'tap', alt: 'orElse', altW: 'orElse', chainFirstEitherK: 'tapEither' },
  TaskEither: { ...effectful, chainTaskOptionK: 'flatMapTaskOption', chainTaskOptionKW: 'flatMapTaskOption' },
  ReaderTaskEither: {
    ...effectful,
    chainTaskEitherK: 'flatMapTaskEither',
    chainTaskEitherKW: 'flatMapTaskEither',
    chainFirstTaskEitherK: 'tapTaskEither',
    chainFirstTaskEitherKW: 'tapTaskEither',
    chainReaderK: 'flatMapReader',
    chainReaderKW: 'flatMapReader',
    chainFirstReaderK: 'tapReader',
    chainFirstReaderKW: 'tapReader',
    chainReaderTaskK: 'flatMapReaderTask',
    chainReaderTaskKW: 'flatMapReaderTask',
    chainFirstReaderTaskK: 'tapReaderTask',
    chainFirstReaderTaskKW: 'tapReaderTask',
    chainReaderIOK: 'flatMapReaderIO',
    chainReaderIOKW: 'flatMapReaderIO',
    chainFirstReaderIOK: 'tapReaderIO',
    chainFirstReaderIOKW: 'tapReaderIO',
    chainReaderEitherK: 'flatMapReaderEither',
    chainReaderEitherKW: 'flatMapReaderEither',
    chainFirstReaderEitherK: 'tapReaderEither',
    chainFirstReaderEitherKW: 'tapReaderEither',
  },
};

const moduleOf = (source) => {
  const m = /^fp-ts\/(?:lib\/|es6\/)?([A-Za-z]+)(?:\.js)?$/.exec(source);
  return m !== null && Object.hasOwn(legacyNames, m[1]) ? m[1] : undefined;
};

const keyName = (node) => (node.type === 'Identifier' ? node.name : String(node.value));

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Use the fp-ts 2.14+ names (flatMap, tap, mapError, …), not their legacy aliases.' },
    messages: { legacy: '{{module}}.{{name}} is a legacy fp-ts name; use {{module}}.{{replacement}}.' },
    schema: [],
  },
  create(context) {
    /** Local namespace name → fp-ts module. */
    const namespaces = new Map();
    const check = (node, module, name) => {
      const replacement = name === undefined ? undefined : Object.hasOwn(legacyNames[module], name) ? legacyNames[module][name] : undefined;
      if (replacement !== undefined) context.report({ node, messageId: 'legacy', data: { module, name, replacement } });
    };
    return {
      ImportDeclaration(node) {
        const module = moduleOf(String(node.source.value));
        if (module === undefined) return;
        for (const specifier of node.specifiers) {
          if (specifier.type === 'ImportSpecifier') check(specifier, module, keyName(specifier.imported));
          else namespaces.set(specifier.local.name, module);
        }
      },
      MemberExpression(node) {
        if (node.object.type !== 'Identifier' || !namespaces.has(node.object.name)) return;
        check(node.property, namespaces.get(node.object.name), node.computed ? (node.property.type === 'Literal' ? String(node.property.value) : undefined) : node.property.name);
      },
    };
  },
};

export const fpTsDialect = { rules: { 'fp-ts-dialect': rule } };
