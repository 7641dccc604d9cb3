// The textual form of Yard's IR: ONNX's textual syntax (the one onnx.parser reads and
// onnx.printer writes), plus one extension, tensor contents given by digest (DIGEST), which
// only compact golden files use and which the parser accepts only when asked to.
//
// The grammar is deliberately loose about names: every word is an ID, and the builder decides
// from context whether "float" is a type, whether "inf" is a number, whether "domain" is a
// known header key. That keeps the grammar small and lets errors say what was meant
// ("unknown element type 'flaot'") instead of listing token sets.
grammar OnnxText;

model
    : header? graph function* EOF
    ;

// `<ir_version: 8, opset_import: ["" : 17], ...>` before the main graph or a function.
header
    : '<' headerEntry (',' headerEntry)* '>'
    ;

headerEntry
    : key=ID ':' headerValue
    ;

headerValue
    : INT
    | STRING
    | '[' (pair (',' pair)*)? ']'
    ;

pair
    : key=STRING ':' (INT | STRING)
    ;

graph
    : name inputs=valueDecls ARROW outputs=valueDecls valueList? nodes
    ;

// Inputs and outputs: `(float[N,3] X, W)`; an input may carry a default value.
valueDecls
    : '(' (valueDecl (',' valueDecl)*)? ')'
    ;

// Initializers (with a value) and value infos (without), after the outputs.
valueList
    : '<' (valueDecl (',' valueDecl)*)? '>'
    ;

valueDecl
    : type? name ('=' tensorData)?
    ;

nodes
    : '{' node* '}'
    ;

node
    : ('[' nodeName=name? ']')? outs=idList '=' opName (':' overload=ID)? pre=attributes?
      '(' ins=idList ')' post=attributes?
    ;

// Comma-separated names where a slot may be empty (an omitted optional input or output).
idList
    : idSlot (',' idSlot)*
    ;

idSlot
    : name?
    ;

opName
    : ID ('.' ID)*
    ;

attributes
    : '<' attribute (',' attribute)* '>'
    ;

attribute
    : key=ID (':' kind=ID)? '=' attributeValue
    ;

attributeValue
    : '[' (singleValue (',' singleValue)*)? ']'   # listValue
    | singleValue                               # scalarValue
    ;

singleValue
    : '@' name                                  # refValue
    | graph                                     # graphValue
    | type tensorName=name? '='? tensorData     # tensorValue
    | type                                      # typeValue
    | number                                    # numberValue
    | STRING                                    # stringValue
    ;

number
    : INT
    | FLOAT
    | NEG_SPECIAL
    ;

type
    : ID shape?                                 # tensorType
    | ID '(' keyType=ID ',' type ')'            # mapType
    | ID '(' type ')'                           # wrappedType
    ;

shape
    : '[' (dim (',' dim)*)? ']'
    ;

dim
    : INT
    | ID
    | STRING
    | '?'
    ;

// Tensor contents: the elements, or (compact form only) a digest standing in for them.
tensorData
    : NUMBERS
    | '{' (element (',' element)*)? '}'
    | DIGEST
    ;

// ID covers inf, infinity and nan.
element
    : INT
    | FLOAT
    | NEG_SPECIAL
    | ID
    | STRING
    ;

function
    : header? name functionAttributes? inputs=valueDecls ARROW outputs=valueDecls valueList? nodes
    ;

// Attribute parameters of a function: names, or attributes giving a default.
functionAttributes
    : '<' functionAttribute (',' functionAttribute)* '>'
    ;

functionAttribute
    : attribute
    | name
    ;

name
    : ID
    | STRING
    ;

ARROW       : '=>' ;
// A brace-enclosed run of numbers is one token: weight tensors hold millions of elements,
// and a token and a tree node for each would cost hundreds of bytes apiece. Node lists
// never start with a number, so this cannot take one. (With comments inside, the braces
// and numbers lex one by one and `element` takes them.)
NUMBERS     : '{' SPACE* NUMBER (SPACE* ',' SPACE* NUMBER)* SPACE* '}' ;
DIGEST      : 'sha256:' HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX
                        HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX
                        HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX
                        HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX HEX ;
NEG_SPECIAL : '-' ([iI] [nN] [fF] ([iI] [nN] [iI] [tT] [yY])? | [nN] [aA] [nN]) ;
FLOAT       : '-'? DIGIT+ ('.' DIGIT* EXPONENT? | EXPONENT) ;
INT         : '-'? DIGIT+ ;
ID          : [A-Za-z_] [A-Za-z0-9_]* ;
// ONNX strings: a backslash takes the next character literally; newlines may appear raw.
STRING      : '"' ('\\' . | ~["\\])* '"' ;
UNTERMINATED_STRING : '"' ('\\' . | ~["\\])* ;
COMMENT     : '#' ~[\r\n]* -> skip ;
WS          : [ \t\r\n\f\u000B]+ -> skip ;
// Anything else becomes a token the parser rejects, so that the error names the character.
STRAY       : . ;

fragment DIGIT    : [0-9] ;
fragment SPACE    : [ \t\r\n\f\u000B] ;
fragment NUMBER   : '-'? DIGIT+ ('.' DIGIT* EXPONENT? | EXPONENT)?
                  | '-'? ([iI] [nN] [fF] ([iI] [nN] [iI] [tT] [yY])? | [nN] [aA] [nN]) ;
fragment HEX      : [0-9a-f] ;
fragment EXPONENT : [eE] [+-]? DIGIT+ ;
