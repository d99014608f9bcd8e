import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import { PageInfo } from "./pagination.js";

/** Relay connection and edge types for one node type, named `${name}Connection` and `${name}Edge`. */
export function ConnectionTypes<TNode extends object>(name: string, Node: ClassType<TNode>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor: string;

    @Field(() => Node)
    node: TNode;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int)
    totalCount: number;
  }

  return { Edge, Connection };
}
