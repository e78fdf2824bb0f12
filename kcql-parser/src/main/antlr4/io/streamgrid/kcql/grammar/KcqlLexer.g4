/*
 * KCQL tokens. Keywords match in any letter case. A NAME is one token even when it holds dots,
 * slashes or MQTT wildcards (`D.TS.9931.2`, `sensors/+/temp`, `$share/g/a/#`, `.well-known/core`),
 * so a topic name or a field path never splits into pieces the parser could misread.
 * The last rules take every other character, so the lexer itself never fails: the parser reports
 * such a token with its position.
 */
lexer grammar KcqlLexer;

options { caseInsensitive = true; }

INSERT        : 'insert';
UPSERT        : 'upsert';
INTO          : 'into';
SELECT        : 'select';
FROM          : 'from';
AS            : 'as';
IGNORE        : 'ignore';
PK            : 'pk';
WITHFORMAT    : 'withformat';
WITH          : 'with';
FORMAT        : 'format';
STOREAS       : 'storeas';
WITHKEY       : 'withkey';
KEYDELIMITER  : 'keydelimiter';
WITHCONVERTER : 'withconverter';
WITHREGEX     : 'withregex';
TTL           : 'ttl';
BATCH         : 'batch';
LIMIT         : 'limit';
PROPERTIES    : 'properties';
WITHTYPE      : 'withtype';
WHERE         : 'where';
AND           : 'and';
OR            : 'or';
NOT           : 'not';
IS            : 'is';
NULL          : 'null';
IN            : 'in';
LIKE          : 'like';
BETWEEN       : 'between';
TRUE          : 'true';
FALSE         : 'false';

STAR      : '*';
COMMA     : ',';
EQUALS    : '=';
NOT_EQUAL : '!=' | '<>';
LESS_EQUAL    : '<=';
GREATER_EQUAL : '>=';
LESS      : '<';
GREATER   : '>';
LPAREN    : '(';
RPAREN    : ')';
SEMICOLON : ';';

INT           : [0-9]+;
PATH_WILDCARD : NAME_CHAR+ '.*';
NAME          : NAME_CHAR+;
QUOTED_NAME   : '`' ( ~'`' | '``' )+ '`';
STRING        : '\'' ( ~'\'' | '\'\'' )* '\'';

WS : [ \t\r\n\f]+ -> skip;

UNTERMINATED_QUOTED_NAME : '`' ~'`'*;
UNTERMINATED_STRING      : '\'' ( ~'\'' | '\'\'' )*;
UNEXPECTED_CHAR          : .;

fragment NAME_CHAR : [a-z0-9_$@/+#{}:.\-] | [\p{L}\p{M}\p{N}];
